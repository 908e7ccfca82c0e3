{#- Effective-dated job spans: each job history record holds from its effective_date (valid_from, inclusive)
    to the next record of the same employment (valid_to, exclusive), or to the day after the termination
    date, or open-ended. Several records on one day are ordered hire/rehire first, pay changes last; the
    earlier ones get an empty span (valid_from = valid_to), so as-of joins see the last state of the day.
    Employee and manager carry their person_key. -#}
with

job_history as (

    select * from {{ ref('stg_hris__job_changes') }}

),

employments as (

    select employee_id, person_key, termination_date
    from {{ ref('int_employments_derived') }}

),

crosswalk as (

    {{ person_crosswalk('hris__employees') }}

),

ordered as (

    select
        j.*,
        case j.change_reason
            when 'hire' then 1
            when 'rehire' then 1
            when 'reorg' then 2
            when 'transfer' then 3
            when 'promotion' then 4
            when 'demotion' then 4
            when 'manager_change' then 5
            when 'pay_change' then 6
            else 7
        end as same_day_order
    from job_history as j
    where j.effective_date is not null

),

spanned as (

    select
        o.*,
        lead(o.effective_date) over (
            partition by o.employee_id order by o.effective_date, o.same_day_order, o.job_history_id
        ) as next_effective_date
    from ordered as o

),

final as (

    select
        s.job_history_id,
        s.employee_id,
        coalesce(e.person_key, c.person_key, {{ unknown_person_key() }}) as person_key,
        s.change_reason,
        s.department_id,
        s.manager_employee_id,
        case when s.manager_employee_id is not null then coalesce(m.person_key, {{ unknown_person_key() }})
        end as manager_person_key,
        s.job_title,
        s.job_family,
        s.job_level,
        {{ surrogate_key(['s.job_title', 's.job_family', 's.job_level']) }} as job_key,
        s.location,
        s.base_salary,
        s.currency,
        s.effective_date as valid_from,
        coalesce(
            s.next_effective_date,
            {{ dbt.cast(dbt.dateadd('day', 1, 'e.termination_date'), 'date') }}
        ) as valid_to
    from spanned as s
    left join employments as e
        on e.employee_id = s.employee_id
    left join crosswalk as c
        on c.source_record_id = s.employee_id
    left join crosswalk as m
        on m.source_record_id = s.manager_employee_id

)

select
    final.*,
    {{ in_force_on(as_of_date()) }} as is_current
from final
