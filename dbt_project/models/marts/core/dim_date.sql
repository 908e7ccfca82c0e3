{#- Calendar dimension: one row per day over the data range (see int_calendar_dates_generated: the project's own date
    spine, no packages), with year, quarter, month, ISO week and weekend flag. -#}
with

dates as (

    select * from {{ ref('int_calendar_dates_generated') }}

)

select
    calendar_year * 10000 + calendar_month * 100 + day_of_month as date_key,
    date_day,
    calendar_year,
    calendar_quarter,
    {{ dbt.concat([dbt.cast('calendar_year', dbt.type_string()), "'-Q'", dbt.cast('calendar_quarter', dbt.type_string())]) }}
        as year_quarter,
    calendar_month,
    {{ dbt.concat([
        dbt.cast('calendar_year', dbt.type_string()), "'-'",
        "case when calendar_month < 10 then '0' else '' end",
        dbt.cast('calendar_month', dbt.type_string())
    ]) }} as year_month,
    {{ dbt.cast(dbt.date_trunc('month', 'date_day'), 'date') }} as month_start_date,
    {{ dbt.cast(dbt.date_trunc('quarter', 'date_day'), 'date') }} as quarter_start_date,
    day_of_month,
    iso_day_of_week,
    case iso_day_of_week
        when 1 then 'Mon' when 2 then 'Tue' when 3 then 'Wed' when 4 then 'Thu'
        when 5 then 'Fri' when 6 then 'Sat' else 'Sun'
    end as day_of_week_abbr,
    is_weekend,
    week_start_date,
    iso_year,
    iso_week
from dates
