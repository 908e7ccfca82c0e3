{#- One row per leaver: an employment of a linked person that ended on or before the as-of date. Offboarding
    tasks of the employment (int_offboarding_tasks_prepared) against the required task types
    (var('offboarding_required_tasks'), default exit_interview, final_pay, knowledge_handover, asset_return,
    account_revocation):
    - tasks_due: due on or before the as-of date; tasks_completed; tasks_late: completed after the due date;
      tasks_overdue: not completed and due before the as-of date.
    - missing_task_types: required types without any task recorded.
    - is_handover_complete: a knowledge_handover task is completed.
    - is_offboarding_complete: every required type has a task and every task is completed. -#}
{%- set required = var('offboarding_required_tasks',
    ['exit_interview', 'final_pay', 'knowledge_handover', 'asset_return', 'account_revocation']) -%}
with

leavers as (

    select employee_id, person_key, termination_date, is_voluntary_termination
    from {{ ref('int_employments_derived') }}
    where person_key <> {{ unknown_person_key() }}
        and termination_date is not null
        and termination_date <= {{ as_of_date() }}

),

tasks as (

    select * from {{ ref('int_offboarding_tasks_prepared') }}

),

per_leaver as (

    select
        l.employee_id,
        l.person_key,
        l.termination_date,
        l.is_voluntary_termination,
        count(t.task_id) as tasks_total,
        sum(case when t.due_date <= {{ as_of_date() }} then 1 else 0 end) as tasks_due,
        sum(case when t.is_completed then 1 else 0 end) as tasks_completed,
        sum(case when t.is_completed and t.completed_date > t.due_date then 1 else 0 end) as tasks_late,
        sum(case when not coalesce(t.is_completed, false) and t.due_date < {{ as_of_date() }} then 1 else 0 end)
            as tasks_overdue,
        {%- for task_type in required %}
        max(case when t.task_type = '{{ task_type }}' then 1 else 0 end) as has_{{ task_type }},
        {%- endfor %}
        max(case when t.task_type = 'knowledge_handover' and t.is_completed then 1 else 0 end)
            as handover_completed
    from leavers as l
    left join tasks as t
        on t.employee_id = l.employee_id
    group by l.employee_id, l.person_key, l.termination_date, l.is_voluntary_termination

),

scored as (

    select
        per_leaver.*,
        {{ required | length }}
        {%- for task_type in required %} - has_{{ task_type }}{% endfor %} as missing_task_types
    from per_leaver

)

select
    {{ surrogate_key(['person_key', 'termination_date', 'employee_id']) }} as offboarding_id,
    person_key,
    termination_date as exit_date,
    coalesce(is_voluntary_termination, false) as is_voluntary_exit,
    {{ dbt.datediff('termination_date', as_of_date(), 'day') }} as days_since_exit,
    {{ required | length }} as required_task_types,
    tasks_total,
    coalesce(tasks_due, 0) as tasks_due,
    coalesce(tasks_completed, 0) as tasks_completed,
    coalesce(tasks_late, 0) as tasks_late,
    coalesce(tasks_overdue, 0) as tasks_overdue,
    missing_task_types,
    handover_completed = 1 as is_handover_complete,
    missing_task_types = 0 and coalesce(tasks_completed, 0) = tasks_total as is_offboarding_complete
from scored
