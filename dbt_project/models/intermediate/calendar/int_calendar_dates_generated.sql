{#- One row per calendar day over the data range: from 1 January of the year of the earliest HR/recruiting
    date to 31 December of the year of the latest one (or of the as-of date, if later). Built with the
    project's own trm.date_spine (no packages); day-of-week and ISO week computed portably. -#}
{#- (model, date column) of the dates that span the data range. -#}
{%- set range_dates = [
    ('stg_hris__employees', 'hire_date'),
    ('stg_hris__employees', 'termination_date'),
    ('stg_hris__job_changes', 'effective_date'),
    ('stg_ats__candidates', 'created_date'),
    ('stg_ats__applications', 'applied_date'),
    ('stg_ats__event_signups', 'event_date'),
    ('stg_attendance__leave_records', 'end_date'),
] -%}
with

data_dates as (
    {% for model, date_column in range_dates %}
    select {{ date_column }} as d from {{ ref(model) }}
    union all
    {%- endfor %}
    select {{ as_of_date() }}

),

spine as (

    {{ trm.date_spine(
        "(select " ~ dbt.date_trunc('year', 'min(d)') ~ " from data_dates)",
        "(select " ~ dbt.last_day('max(d)', 'year') ~ " from data_dates)"
    ) }}

),

days as (

    select
        date_day,
        {{ trm.iso_day_of_week('date_day') }} as iso_day_of_week
    from spine

),

weeks as (

    select
        days.*,
        {{ dbt.cast(dbt.dateadd('day', '1 - iso_day_of_week', 'date_day'), 'date') }} as week_start_date
    from days

),

iso_years as (

    select
        weeks.*,
        extract(year from {{ dbt.dateadd('day', 3, 'week_start_date') }}) as iso_year
    from weeks

),

iso_week_one as (

    select
        iso_years.*,
        {{ dbt.cast(dbt.concat([dbt.cast('iso_year', dbt.type_string()), "'-01-04'"]), 'date') }} as iso_year_jan_4
    from iso_years

)

select
    date_day,
    {{ dbt.cast('extract(year from date_day)', dbt.type_int()) }} as calendar_year,
    {{ dbt.cast('extract(quarter from date_day)', dbt.type_int()) }} as calendar_quarter,
    {{ dbt.cast('extract(month from date_day)', dbt.type_int()) }} as calendar_month,
    {{ dbt.cast('extract(day from date_day)', dbt.type_int()) }} as day_of_month,
    iso_day_of_week,
    iso_day_of_week >= 6 as is_weekend,
    week_start_date,
    {{ dbt.cast('iso_year', dbt.type_int()) }} as iso_year,
    {{ dbt.cast(
        dbt.datediff(dbt.dateadd('day', '1 - ' ~ trm.iso_day_of_week('iso_year_jan_4'), 'iso_year_jan_4'),
                     'week_start_date', 'day') ~ ' / 7 + 1',
        dbt.type_int()) }} as iso_week
from iso_week_one
