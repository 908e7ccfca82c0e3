{#-
    Lifecycle events of every person from every source, one row per event (ids only, no identifiers):

      recruiting  : event_signup, talent_pool_added, applied, screened, interviewed, offered, offer_accepted,
                    offer_declined, rejected, withdrawn
      employment  : hired, rehired, probation_passed (hire + 6 months, still employed then, not after the
                    as-of date), promoted, demoted, transferred, reorganized, manager_changed, pay_changed,
                    exited
      development : rated, mentoring_started, idp_created, succession_nominated
      alumni      : alumni_contact (an alumnus - left before, not employed on that date - signing up for an
                    event or applying again; in addition to the event_signup / applied row)
    Events without a date (unparseable in the source) are left out.
-#}
with

applications as (select * from {{ ref('int_applications_linked') }}),
stages as (select * from {{ ref('int_application_stages_linked') }}),
interviews as (select * from {{ ref('int_interviews_linked') }}),
offers as (select * from {{ ref('int_offers_linked') }}),
signups as (select * from {{ ref('int_event_signups_linked') }}),
candidates as (select candidate_id, person_key from {{ ref('int_candidates_linked') }}),
employments as (select * from {{ ref('int_employments_derived') }}),
job_spans as (select * from {{ ref('int_job_spans_derived') }}),
reviews as (select * from {{ ref('int_performance_reviews_linked') }}),

crosswalk as (

    {{ person_crosswalk('hris__employees') }}

),

talent_pool as (

    select t.talent_pool_member_id, t.added_date, coalesce(c.person_key, {{ unknown_person_key() }}) as person_key
    from {{ ref('stg_ats__talent_pool_members') }} as t
    left join candidates as c
        on c.candidate_id = t.candidate_id

),

mentoring as (

    select m.mentoring_id, m.mentee_employee_id, m.start_date,
           coalesce(x.person_key, {{ unknown_person_key() }}) as person_key
    from {{ ref('stg_hris__mentoring_pairs') }} as m
    left join crosswalk as x
        on x.source_record_id = m.mentee_employee_id

),

idps as (

    select i.idp_id, i.employee_id, i.created_date, coalesce(x.person_key, {{ unknown_person_key() }}) as person_key
    from {{ ref('stg_hris__idps') }} as i
    left join crosswalk as x
        on x.source_record_id = i.employee_id

),

succession as (

    select s.succession_plan_id, s.successor_employee_id, s.updated_date, s.readiness,
           coalesce(x.person_key, {{ unknown_person_key() }}) as person_key
    from {{ ref('stg_hris__succession_plans') }} as s
    left join crosswalk as x
        on x.source_record_id = s.successor_employee_id

),

events as (

    ---------- recruiting
    select person_key, 'event_signup' as event_type, event_date, 'ats' as source_system,
           'ats__event_signups' as source_table, signup_id as source_record_id,
           {{ dbt.cast('null', dbt.type_string()) }} as employee_id,
           {{ dbt.cast('null', dbt.type_string()) }} as application_id,
           event_type as event_detail
    from signups

    union all
    select person_key, 'talent_pool_added', added_date, 'ats', 'ats__talent_pool_members', talent_pool_member_id,
           null, null, null
    from talent_pool

    union all
    select person_key, 'applied', applied_date, 'ats', 'ats__applications', application_id,
           null, application_id, source_channel
    from applications

    union all
    select person_key,
           case stage when 'screened' then 'screened' when 'rejected' then 'rejected' else 'withdrawn' end,
           entered_date, 'ats', 'ats__application_stages', application_stage_id, null, application_id, stage
    from stages
    where stage in ('screened', 'rejected', 'withdrawn')

    union all
    select person_key, 'interviewed', interview_date, 'ats', 'ats__interviews', interview_id,
           null, application_id, recommendation
    from interviews

    union all
    select person_key, 'offered', offered_date, 'ats', 'ats__offers', offer_id, null, application_id, offer_status
    from offers

    union all
    select person_key, case when offer_status = 'accepted' then 'offer_accepted' else 'offer_declined' end,
           responded_date, 'ats', 'ats__offers', offer_id, null, application_id, offer_status
    from offers
    where offer_status in ('accepted', 'declined')

    ---------- employment
    union all
    select person_key, case when is_rehire then 'rehired' else 'hired' end, hire_date, 'hris', 'hris__employees',
           employee_id, employee_id, null, employment_type
    from employments

    union all
    select person_key, 'probation_passed', probation_end_date, 'hris', 'hris__employees', employee_id,
           employee_id, null, null
    from employments
    where probation_end_date <= {{ as_of_date() }}
        and (termination_date is null or termination_date >= probation_end_date)

    union all
    select person_key, 'exited', termination_date, 'hris', 'hris__employees', employee_id, employee_id, null,
           case
               when is_voluntary_termination then 'voluntary'
               when not is_voluntary_termination then 'involuntary'
           end
    from employments
    where termination_date is not null

    union all
    select person_key,
           case change_reason
               when 'promotion' then 'promoted'
               when 'demotion' then 'demoted'
               when 'transfer' then 'transferred'
               when 'reorg' then 'reorganized'
               when 'manager_change' then 'manager_changed'
               else 'pay_changed'
           end,
           valid_from, 'hris', 'hris__job_history', job_history_id, employee_id, null, job_level
    from job_spans
    where change_reason in ('promotion', 'demotion', 'transfer', 'reorg', 'manager_change', 'pay_change')

    ---------- development
    union all
    select person_key, 'rated', review_date, 'hris', 'hris__performance_reviews', performance_review_id,
           employee_id, null, {{ dbt.cast('performance_rating', dbt.type_string()) }}
    from reviews

    union all
    select person_key, 'mentoring_started', start_date, 'hris', 'hris__mentoring_pairs', mentoring_id,
           mentee_employee_id, null, null
    from mentoring

    union all
    select person_key, 'idp_created', created_date, 'hris', 'hris__idps', idp_id, employee_id, null, null
    from idps

    union all
    select person_key, 'succession_nominated', updated_date, 'hris', 'hris__succession_plans', succession_plan_id,
           successor_employee_id, null, readiness
    from succession

),

{#- an alumnus: left before the contact and not employed on that day -#}
alumni_contacts as (

    select
        ev.person_key,
        'alumni_contact' as event_type,
        ev.event_date,
        ev.source_system,
        ev.source_table,
        ev.source_record_id,
        ev.employee_id,
        ev.application_id,
        ev.event_type as event_detail
    from events as ev
    where ev.event_type in ('event_signup', 'applied')
        and ev.person_key <> {{ unknown_person_key() }}
        and exists (
            select 1 from employments as left_before
            where left_before.person_key = ev.person_key
                and left_before.termination_date < ev.event_date
        )
        and not exists (
            select 1 from employments as employed
            where employed.person_key = ev.person_key
                and employed.hire_date <= ev.event_date
                and (employed.termination_date is null or employed.termination_date >= ev.event_date)
        )

),

all_events as (

    select * from events
    union all
    select * from alumni_contacts

)

select
    {{ surrogate_key(['event_type', 'source_table', 'source_record_id']) }} as event_id,
    person_key,
    event_type,
    case
        when event_type in ('event_signup', 'talent_pool_added', 'applied', 'screened', 'interviewed', 'offered',
                            'offer_accepted', 'offer_declined', 'rejected', 'withdrawn') then 'recruiting'
        when event_type in ('rated', 'mentoring_started', 'idp_created', 'succession_nominated') then 'development'
        when event_type = 'alumni_contact' then 'alumni'
        else 'employment'
    end as event_category,
    event_date,
    source_system,
    source_table,
    source_record_id,
    employee_id,
    application_id,
    event_detail
from all_events
where event_date is not null
