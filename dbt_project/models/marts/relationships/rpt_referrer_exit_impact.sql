{#- What happened to the people a referrer brought in when the referrer left: one row per referrer exit (referrer
    x exit date) that is the referrer exit of at least one hired referral in fct_referrals.

    - referred_employed_at_exit: the referrer's hired referrals employed on the exit day; of those,
      referred_left_within_6_months / _12_months (exit on the referrer's exit day or within 6 / 12 months after
      it) and the rates (null when nobody was employed at the exit).
    - Baseline for contrast: the other people employed on the exit day in the departments the referred held that
      day (not the referrer, not anyone the referrer referred); baseline_left_within_6_months / _12_months count
      those whose next exit (fct_employment_daily) falls in the same windows. Null without referred employed at
      the exit.
    - Windows are complete only when they end on or before the as-of date (is_6_month_follow_up_complete,
      is_12_month_follow_up_complete); compare rates over complete windows. -#}
with

referrals as (

    select * from {{ ref('fct_referrals') }}

),

employment_days as (

    select person_key, date_day, department_id, is_exit
    from {{ ref('fct_employment_daily') }}

),

exits as (

    select person_key, date_day as exit_date
    from employment_days
    where is_exit

),

referrer_exits as (

    select
        referrer_person_key,
        referrer_exit_date,
        max(case when is_referrer_exit_voluntary then 1 else 0 end) = 1 as is_referrer_exit_voluntary,
        count(*) as referrals_hired,
        sum(case when is_referred_employed_at_referrer_exit then 1 else 0 end) as referred_employed_at_exit,
        sum(case when referred_left_within_6_months then 1 else 0 end) as referred_left_within_6_months,
        sum(case when referred_left_within_12_months then 1 else 0 end) as referred_left_within_12_months
    from referrals
    where is_hired and referrer_exit_date is not null
    group by referrer_person_key, referrer_exit_date

),

referred_by_referrer as (

    select distinct referrer_person_key, referred_person_key
    from referrals
    where is_hired

),

comparison_departments as (

    select distinct r.referrer_person_key, r.referrer_exit_date, d.department_id
    from referrals as r
    inner join employment_days as d
        on d.person_key = r.referred_person_key
        and d.date_day = r.referrer_exit_date
    where r.is_referred_employed_at_referrer_exit

),

baseline_people as (

    select distinct c.referrer_person_key, c.referrer_exit_date, d.person_key
    from comparison_departments as c
    inner join employment_days as d
        on d.date_day = c.referrer_exit_date
        and (d.department_id = c.department_id or (d.department_id is null and c.department_id is null))
    left join referred_by_referrer as rb
        on rb.referrer_person_key = c.referrer_person_key
        and rb.referred_person_key = d.person_key
    where d.person_key <> c.referrer_person_key
        and rb.referred_person_key is null

),

baseline_next_exits as (

    select b.referrer_person_key, b.referrer_exit_date, b.person_key, min(x.exit_date) as next_exit_date
    from baseline_people as b
    left join exits as x
        on x.person_key = b.person_key
        and x.exit_date >= b.referrer_exit_date
    group by b.referrer_person_key, b.referrer_exit_date, b.person_key

),

baseline as (

    select
        referrer_person_key,
        referrer_exit_date,
        count(*) as baseline_employees,
        sum(case when next_exit_date <= {{ dbt.cast(dbt.dateadd('month', 6, 'referrer_exit_date'), 'date') }}
            then 1 else 0 end) as baseline_left_within_6_months,
        sum(case when next_exit_date <= {{ dbt.cast(dbt.dateadd('month', 12, 'referrer_exit_date'), 'date') }}
            then 1 else 0 end) as baseline_left_within_12_months
    from baseline_next_exits
    group by referrer_person_key, referrer_exit_date

)

select
    {{ surrogate_key(['e.referrer_person_key', 'e.referrer_exit_date']) }} as referrer_exit_id,
    e.referrer_person_key,
    e.referrer_exit_date,
    e.is_referrer_exit_voluntary,
    d.department_id as referrer_department_id,
    e.referrals_hired,
    e.referred_employed_at_exit,
    e.referred_left_within_6_months,
    e.referred_left_within_12_months,
    case when e.referred_employed_at_exit > 0
        then e.referred_left_within_6_months * 1.0 / e.referred_employed_at_exit
    end as referred_left_6_month_rate,
    case when e.referred_employed_at_exit > 0
        then e.referred_left_within_12_months * 1.0 / e.referred_employed_at_exit
    end as referred_left_12_month_rate,
    b.baseline_employees,
    b.baseline_left_within_6_months,
    b.baseline_left_within_12_months,
    case when b.baseline_employees > 0
        then b.baseline_left_within_6_months * 1.0 / b.baseline_employees
    end as baseline_left_6_month_rate,
    case when b.baseline_employees > 0
        then b.baseline_left_within_12_months * 1.0 / b.baseline_employees
    end as baseline_left_12_month_rate,
    {{ dbt.cast(dbt.dateadd('month', 6, 'e.referrer_exit_date'), 'date') }} <= {{ as_of_date() }}
        as is_6_month_follow_up_complete,
    {{ dbt.cast(dbt.dateadd('month', 12, 'e.referrer_exit_date'), 'date') }} <= {{ as_of_date() }}
        as is_12_month_follow_up_complete
from referrer_exits as e
left join baseline as b
    on b.referrer_person_key = e.referrer_person_key
    and b.referrer_exit_date = e.referrer_exit_date
left join employment_days as d
    on d.person_key = e.referrer_person_key
    and d.date_day = e.referrer_exit_date
