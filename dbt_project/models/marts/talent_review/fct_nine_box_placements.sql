{#- 9-box placement of every performance review: one row per person x review period.

    Performance band from the 1-5 rating: high when rating >= var('nine_box_performance_high_min', 4), moderate
    when rating >= var('nine_box_performance_moderate_min', 3), otherwise low. Potential band from the potential
    rating: low -> low, medium -> moderate, high -> high. Box number = 3 x (potential row - 1) + performance
    column, rows and columns counted 1 (low) to 3 (high):

        potential high      |  7 Enigma          |  8 Growth employee     |  9 Star
        potential moderate  |  4 Dilemma         |  5 Core player         |  6 High performer
        potential low       |  1 Underperformer  |  2 Effective employee  |  3 Trusted professional
                               performance low      performance moderate     performance high

    A review without potential rating (or rating) is not placed: band(s), box and name null, is_placed false.
    A person with two reviews in one period (overlapping HRIS employments) keeps the later one. Reviews not
    linked to a person (unknown member) are left out. Department and level are those held on the review date. -#}
{%- set high_min = var('nine_box_performance_high_min', 4) -%}
{%- set moderate_min = var('nine_box_performance_moderate_min', 3) -%}
with

reviews as (

    select *
    from (
        select
            r.*,
            row_number() over (
                partition by r.person_key, r.review_period
                order by case when r.review_date is null then 1 else 0 end, r.review_date desc,
                    r.employee_id desc, r.performance_review_id desc
            ) as period_rank
        from {{ ref('int_performance_reviews_linked') }} as r
        where r.person_key <> {{ unknown_person_key() }}
            and r.review_period is not null
            and (r.review_date is null or r.review_date <= {{ as_of_date() }})
    ) as ranked
    where period_rank = 1

),

employment_days as (

    select person_key, date_day, department_id, job_level
    from {{ ref('fct_employment_daily') }}

),

banded as (

    select
        r.person_key,
        r.review_period,
        r.review_date,
        r.reviewer_person_key,
        r.performance_rating,
        r.potential_rating,
        coalesce(r.is_key_talent, false) as is_key_talent,
        case
            when r.performance_rating >= {{ high_min }} then 3
            when r.performance_rating >= {{ moderate_min }} then 2
            when r.performance_rating is not null then 1
        end as performance_column,
        case r.potential_rating
            when 'high' then 3
            when 'medium' then 2
            when 'low' then 1
        end as potential_row
    from reviews as r

),

boxed as (

    select
        banded.*,
        case when performance_column is not null and potential_row is not null
            then 3 * (potential_row - 1) + performance_column
        end as nine_box
    from banded

),

final as (

    select
        {{ surrogate_key(['b.person_key', 'b.review_period']) }} as nine_box_placement_id,
        b.person_key,
        b.review_period,
        b.review_date,
        b.reviewer_person_key,
        d.department_id,
        d.job_level,
        b.performance_rating,
        b.potential_rating,
        case b.performance_column when 1 then 'low' when 2 then 'moderate' when 3 then 'high' end
            as performance_band,
        case b.potential_row when 1 then 'low' when 2 then 'moderate' when 3 then 'high' end as potential_band,
        b.nine_box,
        case b.nine_box
            when 1 then 'Underperformer'
            when 2 then 'Effective employee'
            when 3 then 'Trusted professional'
            when 4 then 'Dilemma'
            when 5 then 'Core player'
            when 6 then 'High performer'
            when 7 then 'Enigma'
            when 8 then 'Growth employee'
            when 9 then 'Star'
        end as nine_box_label,
        b.nine_box is not null as is_placed,
        b.is_key_talent,
        row_number() over (
            partition by b.person_key
            order by case when b.review_date is null then 1 else 0 end, b.review_date desc, b.review_period desc
        ) = 1 as is_latest_review
    from boxed as b
    left join employment_days as d
        on d.person_key = b.person_key
        and d.date_day = b.review_date

)

select * from final
