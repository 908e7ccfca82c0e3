{#-
    Punches in local time and attributed to a work date.

    punched_at_local = punched_at_utc in the punch's time zone (trm.to_local_timestamp, dispatched per engine;
    var('default_timezone') when the export has none). work_date is the local date, except for a clock-out
    that ends the previous day's shift: the schedule in force on the previous local day ends, counted from
    that day's midnight, at shift_start + shift length - past midnight for a night shift (shift_end <
    shift_start, e.g. 20:00-05:00). A clock-out on the next day before the middle of the following off-shift
    gap (20:00-05:00: before 12:30; 10:00-19:00 with late overtime: before 02:30) belongs to the shift that
    started the previous day.

    Incremental (macros/employee_row_increments.sql): a night adds the punches loaded since the last build (new
    ones and corrected versions of known punch ids) and recomputes every punch of an employee whose person_key or
    shift schedules changed; staging that lost a rejected batch restarts it. A full build gives the same rows. A
    change of var('default_timezone') needs a full refresh (the weekly one, or `trm run --full-refresh`).
-#}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='punch_id',
          on_schema_change='append_new_columns',
          pre_hook=["{{ trm.restart_if_batches_vanished(ref('stg_attendance__punches')) }}",
                    "{{ trm.employee_rows_prepare(trm.punch_employee_inputs()) }}",
                    "{{ trm.forget_employee_rows() }}"],
          post_hook="{{ trm.record_employee_inputs() }}") }}
with

punches as (

    select * from {{ ref('stg_attendance__punches') }}
    {%- if is_incremental() %}
    where _loaded_at > (select coalesce(max(_loaded_at), {{ dbt.cast("'1900-01-01'", dbt.type_timestamp()) }})
                        from {{ this }})
        or employee_id in (select employee_id from {{ trm.employee_rows_relations().rebuild }})
    {%- endif %}

),

crosswalk as (

    {{ person_crosswalk('hris__employees') }}

),

shift_spans as (

    select * from {{ ref('int_shift_spans_derived') }}

),

localized as (

    select
        p.punch_id,
        p.employee_id,
        coalesce(c.person_key, {{ unknown_person_key() }}) as person_key,
        p.punch_type,
        p.punched_at_utc,
        coalesce(p.timezone, '{{ var("default_timezone") }}') as timezone,
        {{ trm.to_local_timestamp(
            'p.punched_at_utc', "coalesce(p.timezone, '" ~ var('default_timezone') ~ "')"
        ) }} as punched_at_local,
        p.device_id,
        p.site,
        p._batch_id,
        p._loaded_at
    from punches as p
    left join crosswalk as c
        on c.source_record_id = p.employee_id

),

dated as (

    select
        localized.*,
        {{ dbt.cast('punched_at_local', 'date') }} as local_date
    from localized

),

with_minute as (

    select
        dated.*,
        {{ dbt.datediff(dbt.cast('local_date', dbt.type_timestamp()), 'punched_at_local', 'minute') }}
            as local_minute_of_day,
        {{ dbt.cast(dbt.dateadd('day', -1, 'local_date'), 'date') }} as previous_local_date
    from dated

),

attributed as (

    select
        w.*,
        coalesce(
            w.punch_type = 'out'
            and w.local_minute_of_day
                < s.shift_start_minute + s.scheduled_minutes + (1440 - s.scheduled_minutes) / 2 - 1440,
            false
        ) as is_previous_day_shift
    from with_minute as w
    left join shift_spans as s
        on s.employee_id = w.employee_id
        and {{ in_force_on('w.previous_local_date', 's') }}

)

select
    punch_id,
    employee_id,
    person_key,
    punch_type,
    punched_at_utc,
    timezone,
    punched_at_local,
    local_date,
    local_minute_of_day,
    is_previous_day_shift,
    case when is_previous_day_shift then previous_local_date else local_date end as work_date,
    device_id,
    site,
    _batch_id,
    _loaded_at
from attributed
