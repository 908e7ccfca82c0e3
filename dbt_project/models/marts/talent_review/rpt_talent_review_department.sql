{#- Department roll-up of the talent review: one row per department with current employees (rpt_talent_review_people,
    department held on the as-of date; null = no job record) or with a key position (rpt_succession_coverage).
    employees equals the department's headcount in fct_headcount_daily on the as-of date (tested).

    - 9-box distribution of the employees' latest placement: box_1_employees ... box_9_employees +
      employees_not_placed (never reviewed, or no potential rating) = employees (tested).
    - Shares and rates divide by employees (null when there are none), except idp_review_rate (by employees
      with an open IDP) and the 1:1 measures (by employees with a manager).
    - one_on_ones_per_employee_per_month: 1:1s with the current manager in the last 90 days / employees with a
      manager / (90 / 30.4375), 30.4375 days being the average month.
    - Succession: key positions of the department (incumbent's department now, else on the plan date), covered
      ones (employed ready-now successor) and their share. -#}
with

people as (

    select * from {{ ref('rpt_talent_review_people') }}

),

positions as (

    select * from {{ ref('rpt_succession_coverage') }}

),

departments as (

    select distinct department_id from people
    union
    select distinct department_id from positions

),

people_rolled_up as (

    select
        department_id,
        count(*) as employees,
        sum(case when latest_nine_box is null then 1 else 0 end) as employees_not_placed,
        {%- for box in range(1, 10) %}
        sum(case when latest_nine_box = {{ box }} then 1 else 0 end) as box_{{ box }}_employees,
        {%- endfor %}
        sum(case when is_key_talent then 1 else 0 end) as key_talents,
        sum(case when is_mentee_now then 1 else 0 end) as mentees_now,
        sum(case when is_mentor_now then 1 else 0 end) as mentors_now,
        sum(case when was_mentee_last_12_months then 1 else 0 end) as mentees_last_12_months,
        sum(case when has_idp then 1 else 0 end) as employees_with_idp,
        sum(case when has_idp_created_last_12_months then 1 else 0 end) as employees_with_idp_created_last_12_months,
        sum(case when has_open_idp then 1 else 0 end) as employees_with_open_idp,
        sum(case when is_open_idp_reviewed_last_6_months then 1 else 0 end)
            as employees_with_open_idp_reviewed_last_6_months,
        sum(case when has_manager then 1 else 0 end) as employees_with_manager,
        coalesce(sum(one_on_ones_last_90_days), 0) as one_on_ones_last_90_days,
        sum(case when has_manager and one_on_ones_last_90_days = 0 then 1 else 0 end)
            as employees_without_one_on_one_last_90_days,
        sum(case when is_successor then 1 else 0 end) as successors,
        sum(case when is_ready_now_successor then 1 else 0 end) as ready_now_successors
    from people
    group by department_id

),

positions_rolled_up as (

    select
        department_id,
        count(*) as key_positions,
        sum(case when is_covered then 1 else 0 end) as key_positions_covered,
        sum(case when bench_strength = 'none' then 1 else 0 end) as key_positions_without_successor,
        sum(case when not is_incumbent_employed then 1 else 0 end) as key_positions_incumbent_left
    from positions
    group by department_id

),

joined as (

    select
        d.department_id,
        coalesce(p.employees, 0) as employees,
        coalesce(p.employees_not_placed, 0) as employees_not_placed,
        {%- for box in range(1, 10) %}
        coalesce(p.box_{{ box }}_employees, 0) as box_{{ box }}_employees,
        {%- endfor %}
        coalesce(p.key_talents, 0) as key_talents,
        coalesce(p.mentees_now, 0) as mentees_now,
        coalesce(p.mentors_now, 0) as mentors_now,
        coalesce(p.mentees_last_12_months, 0) as mentees_last_12_months,
        coalesce(p.employees_with_idp, 0) as employees_with_idp,
        coalesce(p.employees_with_idp_created_last_12_months, 0) as employees_with_idp_created_last_12_months,
        coalesce(p.employees_with_open_idp, 0) as employees_with_open_idp,
        coalesce(p.employees_with_open_idp_reviewed_last_6_months, 0)
            as employees_with_open_idp_reviewed_last_6_months,
        coalesce(p.employees_with_manager, 0) as employees_with_manager,
        coalesce(p.one_on_ones_last_90_days, 0) as one_on_ones_last_90_days,
        coalesce(p.employees_without_one_on_one_last_90_days, 0) as employees_without_one_on_one_last_90_days,
        coalesce(p.successors, 0) as successors,
        coalesce(p.ready_now_successors, 0) as ready_now_successors,
        coalesce(k.key_positions, 0) as key_positions,
        coalesce(k.key_positions_covered, 0) as key_positions_covered,
        coalesce(k.key_positions_without_successor, 0) as key_positions_without_successor,
        coalesce(k.key_positions_incumbent_left, 0) as key_positions_incumbent_left
    from departments as d
    left join people_rolled_up as p
        on p.department_id = d.department_id
        or (p.department_id is null and d.department_id is null)
    left join positions_rolled_up as k
        on k.department_id = d.department_id
        or (k.department_id is null and d.department_id is null)

)

select
    {{ surrogate_key(['department_id']) }} as talent_review_department_id,
    department_id,
    employees,
    employees_not_placed,
    {%- for box in range(1, 10) %}
    box_{{ box }}_employees,
    {%- endfor %}
    key_talents,
    mentees_now,
    mentors_now,
    case when employees > 0 then mentees_now * 1.0 / employees end as mentee_share,
    case when employees > 0 then mentors_now * 1.0 / employees end as mentor_share,
    mentees_last_12_months,
    case when employees > 0 then mentees_last_12_months * 1.0 / employees end as mentee_last_12_months_share,
    employees_with_idp,
    case when employees > 0 then employees_with_idp * 1.0 / employees end as idp_share,
    employees_with_idp_created_last_12_months,
    case when employees > 0 then employees_with_idp_created_last_12_months * 1.0 / employees end as idp_created_rate,
    employees_with_open_idp,
    employees_with_open_idp_reviewed_last_6_months,
    case when employees_with_open_idp > 0
        then employees_with_open_idp_reviewed_last_6_months * 1.0 / employees_with_open_idp
    end as idp_review_rate,
    employees_with_manager,
    one_on_ones_last_90_days,
    case when employees_with_manager > 0
        then one_on_ones_last_90_days * 30.4375 / (employees_with_manager * 90.0)
    end as one_on_ones_per_employee_per_month,
    employees_without_one_on_one_last_90_days,
    case when employees_with_manager > 0
        then employees_without_one_on_one_last_90_days * 1.0 / employees_with_manager
    end as without_one_on_one_share,
    successors,
    ready_now_successors,
    key_positions,
    key_positions_covered,
    key_positions_without_successor,
    key_positions_incumbent_left,
    case when key_positions > 0 then key_positions_covered * 1.0 / key_positions end as succession_coverage_rate
from joined
