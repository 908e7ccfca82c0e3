{#- Referral network: one row per referred candidate profile (ATS candidate with a referring employee), with the
    referrer and the referred as person_keys (candidate and employee ids stay in the intermediate layer).

    - referral_date: the profile's created date (else its first application date).
    - is_hired: an application of the profile reached 'hired'. hire_date: the referred person's first hire
      (fct_employment_daily is_hire) on or after the referral date; hire_department_id the department that day.
    - referred_exit_date: the first exit of the referred person on or after hire_date (the last day worked);
      is_referred_employed_on_as_of_date as in dim_person (hired, no exit before the as-of date).
      is_referral_of_current_employment picks one of those per referred person (the latest hire, then the
      smallest referral_id): the referral behind the employment in force, used by the team roll-ups.
    - referrer_exit_date: the referrer's first exit on or after the referred's hire date (on or after the
      referral date when not hired), up to the as-of date; null while the referrer stays, and for referrers
      whose record is not linked ('-1').
    - is_referred_employed_at_referrer_exit: hired on or before the referrer's exit date and not gone before it.
      Of those, referred_left_within_6_months / _12_months: the referred's exit falls on the referrer's exit date
      or within 6 / 12 months after it. The windows are only complete when they end on or before the as-of date
      (is_6_month_follow_up_complete, is_12_month_follow_up_complete).
    Exits and hires come from fct_employment_daily, so an exit followed by a rehire the next day is no exit. -#}
with

referred as (

    select candidate_id, person_key, referrer_person_key, created_date
    from {{ ref('int_candidates_linked') }}
    where referrer_person_key is not null

),

applications as (

    select
        candidate_id,
        min(applied_date) as first_applied_date,
        max(case when is_hired then 1 else 0 end) as is_hired
    from {{ ref('int_applications_linked') }}
    group by candidate_id

),

employment_days as (

    select person_key, date_day, department_id, is_hire, is_exit, is_voluntary_exit
    from {{ ref('fct_employment_daily') }}

),

hires as (

    select person_key, date_day as hire_date, department_id
    from employment_days
    where is_hire

),

exits as (

    select person_key, date_day as exit_date, is_voluntary_exit
    from employment_days
    where is_exit

),

referrals as (

    select
        r.candidate_id,
        r.person_key as referred_person_key,
        r.referrer_person_key,
        coalesce(r.created_date, a.first_applied_date) as referral_date,
        a.candidate_id is not null as has_applied,
        a.first_applied_date,
        coalesce(a.is_hired, 0) = 1 as is_hired
    from referred as r
    left join applications as a
        on a.candidate_id = r.candidate_id

),

first_hires as (

    select r.candidate_id, min(h.hire_date) as hire_date
    from referrals as r
    inner join hires as h
        on h.person_key = r.referred_person_key
        and h.hire_date >= r.referral_date
    where r.is_hired
    group by r.candidate_id

),

with_hire as (

    select
        r.*,
        f.hire_date as referred_hire_date
    from referrals as r
    left join first_hires as f
        on f.candidate_id = r.candidate_id

),

referred_exits as (

    select w.candidate_id, min(x.exit_date) as referred_exit_date
    from with_hire as w
    inner join exits as x
        on x.person_key = w.referred_person_key
        and x.exit_date >= w.referred_hire_date
    group by w.candidate_id

),

referrer_exits as (

    select w.candidate_id, min(x.exit_date) as referrer_exit_date
    from with_hire as w
    inner join exits as x
        on x.person_key = w.referrer_person_key
        and x.exit_date >= coalesce(w.referred_hire_date, w.referral_date)
    where w.referrer_person_key <> {{ unknown_person_key() }}
    group by w.candidate_id

),

with_exits as (

    select
        w.*,
        rd.referred_exit_date,
        rr.referrer_exit_date
    from with_hire as w
    left join referred_exits as rd
        on rd.candidate_id = w.candidate_id
    left join referrer_exits as rr
        on rr.candidate_id = w.candidate_id

),

enriched as (

    select
        w.*,
        referred_exit.is_voluntary_exit as is_referred_exit_voluntary,
        referrer_exit.is_voluntary_exit as is_referrer_exit_voluntary,
        hire_day.department_id as hire_department_id,
        referrer_day.department_id as referrer_department_id_at_hire,
        referrer_day.person_key is not null as is_referrer_employed_at_hire,
        coalesce(w.referred_hire_date <= w.referrer_exit_date
            and (w.referred_exit_date is null or w.referred_exit_date >= w.referrer_exit_date), false)
            as is_referred_employed_at_referrer_exit
    from with_exits as w
    left join exits as referred_exit
        on referred_exit.person_key = w.referred_person_key
        and referred_exit.exit_date = w.referred_exit_date
    left join exits as referrer_exit
        on referrer_exit.person_key = w.referrer_person_key
        and referrer_exit.exit_date = w.referrer_exit_date
    left join employment_days as hire_day
        on hire_day.person_key = w.referred_person_key
        and hire_day.date_day = w.referred_hire_date
    left join employment_days as referrer_day
        on referrer_day.person_key = w.referrer_person_key
        and referrer_day.date_day = w.referred_hire_date

),

final as (

    select
        {{ surrogate_key(['candidate_id']) }} as referral_id,
        referrer_person_key,
        referred_person_key,
        referral_date,
        has_applied,
        first_applied_date,
        is_hired,
        referred_hire_date as hire_date,
        hire_department_id,
        referrer_department_id_at_hire,
        is_referrer_employed_at_hire,
        coalesce(hire_department_id = referrer_department_id_at_hire, false) as is_same_department_at_hire,
        coalesce(referred_hire_date <= {{ as_of_date() }}
            and (referred_exit_date is null or referred_exit_date >= {{ as_of_date() }}), false)
            as is_referred_employed_on_as_of_date,
        referred_exit_date,
        is_referred_exit_voluntary,
        referrer_exit_date,
        is_referrer_exit_voluntary,
        is_referred_employed_at_referrer_exit,
        coalesce(is_referred_employed_at_referrer_exit
            and referred_exit_date <= {{ dbt.cast(dbt.dateadd('month', 6, 'referrer_exit_date'), 'date') }}, false)
            as referred_left_within_6_months,
        coalesce(is_referred_employed_at_referrer_exit
            and referred_exit_date <= {{ dbt.cast(dbt.dateadd('month', 12, 'referrer_exit_date'), 'date') }}, false)
            as referred_left_within_12_months,
        case when is_referred_employed_at_referrer_exit and referred_exit_date is not null
            then {{ dbt.datediff('referrer_exit_date', 'referred_exit_date', 'day') }}
        end as days_from_referrer_exit_to_referred_exit,
        coalesce({{ dbt.cast(dbt.dateadd('month', 6, 'referrer_exit_date'), 'date') }} <= {{ as_of_date() }}, false)
            as is_6_month_follow_up_complete,
        coalesce({{ dbt.cast(dbt.dateadd('month', 12, 'referrer_exit_date'), 'date') }} <= {{ as_of_date() }}, false)
            as is_12_month_follow_up_complete
    from enriched

)

select
    final.*,
    coalesce(is_referred_employed_on_as_of_date and row_number() over (
        partition by referred_person_key, is_referred_employed_on_as_of_date
        order by hire_date desc, referral_id
    ) = 1, false) as is_referral_of_current_employment
from final
