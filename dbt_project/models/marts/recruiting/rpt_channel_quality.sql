{#- Quality of hires per source channel x hire cohort quarter (first day of the quarter of the start date).
    A hire is an accepted offer whose candidate has an HRIS employment starting within 30 days before / 60
    days after the proposed start (nearest); the channel is the application's. Retained at 12 months: not
    terminated before the first anniversary of the start. Rated 4+: performance rating >= 4 in the first
    review of that employment dated on or after the first anniversary (share of hires with such a review).
    Only cohorts whose whole quarter started at least 12 months before the as-of date (last day of the
    quarter + 12 months <= as_of_date). -#}
with

hires as (

    select
        o.offer_id,
        o.person_key,
        o.proposed_start_date,
        a.source_channel
    from {{ ref('int_offers_linked') }} as o
    inner join {{ ref('int_applications_linked') }} as a
        on a.application_id = o.application_id
    where o.is_accepted
        and o.person_key <> {{ unknown_person_key() }}

),

employments as (

    select employee_id, person_key, hire_date, termination_date
    from {{ ref('int_employments_derived') }}

),

matched as (

    select
        h.offer_id,
        h.source_channel,
        e.employee_id,
        e.hire_date,
        e.termination_date,
        row_number() over (
            partition by h.offer_id
            order by abs({{ dbt.datediff('h.proposed_start_date', 'e.hire_date', 'day') }}), e.hire_date
        ) as match_rank
    from hires as h
    inner join employments as e
        on e.person_key = h.person_key
        and e.hire_date >= {{ dbt.dateadd('day', -30, 'h.proposed_start_date') }}
        and e.hire_date <= {{ dbt.dateadd('day', 60, 'h.proposed_start_date') }}

),

cohorts as (

    select
        offer_id,
        source_channel,
        employee_id,
        hire_date,
        termination_date,
        {{ dbt.cast(dbt.date_trunc('quarter', 'hire_date'), 'date') }} as cohort_quarter,
        {{ dbt.cast(dbt.dateadd('month', 12, 'hire_date'), 'date') }} as anniversary_date
    from matched
    where match_rank = 1

),

eligible as (

    select *
    from cohorts
    where {{ dbt.dateadd('month', 15, 'cohort_quarter') }} <= {{ dbt.dateadd('day', 1, as_of_date()) }}

),

first_reviews as (

    select
        c.offer_id,
        r.performance_rating,
        row_number() over (
            partition by c.offer_id order by r.review_date, r.performance_review_id
        ) as review_rank
    from eligible as c
    inner join {{ ref('int_performance_reviews_linked') }} as r
        on r.employee_id = c.employee_id
        and r.review_date >= c.anniversary_date
        and r.performance_rating is not null

),

per_hire as (

    select
        c.source_channel,
        c.cohort_quarter,
        case when c.termination_date is null or c.termination_date >= c.anniversary_date then 1 else 0 end
            as is_retained_12m,
        case when r.offer_id is not null then 1 else 0 end as is_reviewed_after_12m,
        case when r.performance_rating >= 4 then 1 else 0 end as is_rated_4_plus
    from eligible as c
    left join first_reviews as r
        on r.offer_id = c.offer_id
        and r.review_rank = 1

),

grouped as (

    select
        source_channel,
        cohort_quarter,
        count(*) as hires,
        sum(is_retained_12m) as retained_12m,
        sum(is_reviewed_after_12m) as reviewed_after_12m,
        sum(is_rated_4_plus) as rated_4_plus
    from per_hire
    group by source_channel, cohort_quarter

)

select
    {{ surrogate_key(['source_channel', 'cohort_quarter']) }} as channel_quality_key,
    source_channel,
    cohort_quarter,
    hires,
    retained_12m,
    {{ dbt.cast('retained_12m', dbt.type_numeric()) }} / hires as retained_12m_share,
    reviewed_after_12m,
    rated_4_plus,
    case when reviewed_after_12m > 0
        then {{ dbt.cast('rated_4_plus', dbt.type_numeric()) }} / reviewed_after_12m
    end as rated_4_plus_share
from grouped
