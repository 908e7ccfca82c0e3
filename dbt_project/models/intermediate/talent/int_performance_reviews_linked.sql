{#- Performance reviews with the person_key of the employee and of the reviewer. -#}
with

reviews as (

    select * from {{ ref('stg_hris__performance_reviews') }}

),

crosswalk as (

    {{ person_crosswalk('hris__employees') }}

)

select
    r.performance_review_id,
    r.employee_id,
    coalesce(c.person_key, {{ unknown_person_key() }}) as person_key,
    case when r.reviewer_employee_id is not null then coalesce(rc.person_key, {{ unknown_person_key() }})
    end as reviewer_person_key,
    r.review_period,
    r.review_date,
    r.performance_rating,
    r.potential_rating,
    r.potential_rating = 'high' as is_high_potential,
    r.is_key_talent
from reviews as r
left join crosswalk as c
    on c.source_record_id = r.employee_id
left join crosswalk as rc
    on rc.source_record_id = r.reviewer_employee_id
