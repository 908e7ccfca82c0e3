{#- Talent segments by department on the as-of date: one row per department x segment among current
    employees (alumni have no department and are counted once under department_id null), with the segment's
    share of the department. -#}
with

segments as (

    select * from {{ ref('dim_person_talent_segment') }}

),

counts as (

    select
        case when is_employed then department_id end as department_id,
        talent_segment,
        min(segment_rank) as segment_rank,
        count(*) as people
    from segments
    group by case when is_employed then department_id end, talent_segment

)

select
    {{ surrogate_key(['department_id', 'talent_segment']) }} as department_segment_id,
    department_id,
    talent_segment,
    segment_rank,
    people,
    people * 1.0 / sum(people) over (partition by department_id) as share_of_department
from counts
