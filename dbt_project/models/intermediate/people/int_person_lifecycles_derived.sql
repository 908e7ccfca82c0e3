{#-
    Current lifecycle stage of every person_key in the crosswalk, as of trm.as_of_date():
      rehired   - employed now, in an employment that follows an earlier exit (or recorded as a rehire)
      employee  - employed now
      alumnus   - not employed now, left at least once
      candidate - has an ATS profile (applied), never employed; also an accepted hire whose start is ahead
      prospect  - only event sign-ups and/or IM accounts
-#}
with

crosswalk as (

    select * from {{ ref('int_person_records_resolved') }}

),

employments as (

    select * from {{ ref('int_employments_derived') }}

),

records as (

    select
        person_key,
        max(case when record_source = 'hris__employees' then 1 else 0 end) as has_hris_record,
        max(case when record_source = 'ats__candidates' then 1 else 0 end) as has_candidate_record,
        max(case when record_source = 'ats__event_signups' then 1 else 0 end) as has_signup_record,
        max(case when record_source = 'im__accounts' then 1 else 0 end) as has_im_record,
        count(*) as record_count
    from crosswalk
    group by person_key

),

employment_summary as (

    select
        person_key,
        count(*) as employment_count,
        count(case when is_active then 1 end) as active_employment_count,
        count(case when has_exited then 1 end) as exit_count,
        max(case when is_active and is_rehire then 1 else 0 end) as is_active_rehire,
        count(case when hire_date > {{ as_of_date() }} then 1 end) as future_start_count,
        min(hire_date) as first_hire_date,
        max(hire_date) as latest_hire_date,
        max(case when has_exited then termination_date end) as latest_exit_date
    from employments
    where person_key <> {{ unknown_person_key() }}
    group by person_key

),

joined as (

    select
        r.person_key,
        r.has_hris_record = 1 as has_hris_record,
        r.has_candidate_record = 1 as has_candidate_record,
        r.has_signup_record = 1 as has_signup_record,
        r.has_im_record = 1 as has_im_record,
        r.record_count,
        coalesce(e.employment_count, 0) as employment_count,
        coalesce(e.exit_count, 0) as exit_count,
        coalesce(e.active_employment_count, 0) > 0 as is_current_employee,
        coalesce(e.is_active_rehire, 0) = 1 as is_active_rehire,
        coalesce(e.future_start_count, 0) > 0 as has_future_start,
        e.first_hire_date,
        e.latest_hire_date,
        e.latest_exit_date
    from records as r
    left join employment_summary as e
        on e.person_key = r.person_key

)

select
    joined.*,
    case
        when is_current_employee and is_active_rehire then 'rehired'
        when is_current_employee then 'employee'
        when exit_count > 0 then 'alumnus'
        when has_candidate_record or has_future_start then 'candidate'
        else 'prospect'
    end as lifecycle_stage
from joined
