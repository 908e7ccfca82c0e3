{#- Effective-dated shift schedules as spans per employee: valid_from = effective_date (inclusive), valid_to =
    the next schedule's effective_date (exclusive) or open-ended; with the scheduled shift length (a night
    shift ending after midnight counts to its end the next day) and the person_key. -#}
with

schedules as (

    select * from {{ ref('stg_attendance__shift_schedules') }}

),

crosswalk as (

    {{ person_crosswalk('hris__employees') }}

)

select
    s.shift_schedule_id,
    s.employee_id,
    coalesce(c.person_key, {{ unknown_person_key() }}) as person_key,
    s.shift_code,
    s.timezone,
    s.shift_start_minute,
    s.shift_end_minute,
    coalesce(s.crosses_midnight, false) as crosses_midnight,
    case
        when s.crosses_midnight then s.shift_end_minute + 1440 - s.shift_start_minute
        else s.shift_end_minute - s.shift_start_minute
    end as scheduled_minutes,
    s.effective_date as valid_from,
    lead(s.effective_date) over (partition by s.employee_id order by s.effective_date) as valid_to
from schedules as s
left join crosswalk as c
    on c.source_record_id = s.employee_id
where s.effective_date is not null
