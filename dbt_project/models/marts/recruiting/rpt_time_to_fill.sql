{#- Time to fill per requisition: opened, filled (the first accepted offer: the candidate's acceptance date),
    hired (start date of the HRIS employment of that candidate, else the offer's proposed start date); days
    to fill = filled - opened, days to hire = start - opened. Requisitions without accepted offer are kept
    (filled_date null; still_open_days for open / on-hold ones). -#}
with

requisitions as (

    select * from {{ ref('int_requisitions_prepared') }}

),

accepted_offers as (

    select
        o.requisition_id,
        o.application_id,
        o.person_key,
        o.responded_date,
        o.proposed_start_date,
        row_number() over (
            partition by o.requisition_id order by o.responded_date, o.offer_id
        ) as offer_rank
    from {{ ref('int_offers_linked') }} as o
    where o.is_accepted

),

employments as (

    select person_key, hire_date from {{ ref('int_employments_derived') }}

),

{#- The employment that started within 30 days before / 60 days after the proposed start, nearest first. -#}
starts as (

    select
        o.requisition_id,
        e.hire_date,
        row_number() over (
            partition by o.requisition_id
            order by abs({{ dbt.datediff('o.proposed_start_date', 'e.hire_date', 'day') }}), e.hire_date
        ) as start_rank
    from accepted_offers as o
    inner join employments as e
        on e.person_key = o.person_key
        and o.person_key <> {{ unknown_person_key() }}
        and e.hire_date >= {{ dbt.dateadd('day', -30, 'o.proposed_start_date') }}
        and e.hire_date <= {{ dbt.dateadd('day', 60, 'o.proposed_start_date') }}
    where o.offer_rank = 1

),

final as (

    select
        r.requisition_id,
        r.department_id,
        r.job_level,
        r.is_key_position,
        r.requisition_status,
        r.opened_date,
        r.closed_date,
        o.responded_date as filled_date,
        coalesce(s.hire_date, o.proposed_start_date) as hire_date,
        s.hire_date is not null as is_hire_in_hris
    from requisitions as r
    left join accepted_offers as o
        on o.requisition_id = r.requisition_id
        and o.offer_rank = 1
    left join starts as s
        on s.requisition_id = r.requisition_id
        and s.start_rank = 1

)

select
    requisition_id,
    department_id,
    job_level,
    is_key_position,
    requisition_status,
    opened_date,
    closed_date,
    filled_date,
    hire_date,
    is_hire_in_hris,
    filled_date is not null as is_filled,
    {{ dbt.datediff('opened_date', 'filled_date', 'day') }} as days_to_fill,
    {{ dbt.datediff('opened_date', 'hire_date', 'day') }} as days_to_hire,
    case when filled_date is null and closed_date is null
        then {{ dbt.datediff('opened_date', as_of_date(), 'day') }}
    end as still_open_days
from final
