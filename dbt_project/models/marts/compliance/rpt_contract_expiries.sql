{#- Employment contracts ending within the 90 days after the as-of date, of people employed on the as-of date:
    one row per contract, with its person_key, days to expiry and bucket (0-30: ends in 1-30 days, 31-60,
    61-90), and whether a later contract of the same employment is already recorded (a renewal). The
    department is the one held on the as-of date. Contract ids stay in staging: contract_expiry_id is a hash. -#}
with

contracts as (

    select * from {{ ref('int_contracts_prepared') }}

),

employments as (

    select employee_id, person_key
    from {{ ref('int_employments_derived') }}
    where is_active and person_key <> {{ unknown_person_key() }}

),

current_departments as (

    select person_key, department_id
    from {{ ref('fct_employment_daily') }}
    where date_day = {{ as_of_date() }}

),

expiring as (

    select
        c.contract_id,
        c.employee_id,
        e.person_key,
        c.contract_type,
        c.is_fixed_term,
        c.start_date,
        c.end_date,
        {{ dbt.datediff(as_of_date(), 'c.end_date', 'day') }} as days_to_expiry
    from contracts as c
    inner join employments as e
        on e.employee_id = c.employee_id
    where c.end_date > {{ as_of_date() }}
        and c.end_date <= {{ dbt.dateadd('day', 90, as_of_date()) }}

),

successors as (

    select distinct x.contract_id
    from expiring as x
    inner join contracts as c
        on c.employee_id = x.employee_id
        and c.contract_id <> x.contract_id
        and c.start_date > x.start_date

)

select
    {{ surrogate_key(['x.contract_id']) }} as contract_expiry_id,
    x.person_key,
    d.department_id,
    x.contract_type,
    x.is_fixed_term,
    x.start_date,
    x.end_date,
    x.days_to_expiry,
    case
        when x.days_to_expiry <= 30 then '0-30'
        when x.days_to_expiry <= 60 then '31-60'
        else '61-90'
    end as expiry_bucket,
    s.contract_id is not null as has_successor_contract
from expiring as x
left join current_departments as d
    on d.person_key = x.person_key
left join successors as s
    on s.contract_id = x.contract_id
