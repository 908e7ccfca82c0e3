{#- What the retention policy will remove next: per rule, the people falling due within 30 and 90 days of the
    as-of date (overdue included: they go the next night), how many have a due date, and the earliest. From
    privacy.retention_due, written by the Dagster asset privacy/retention_due after the warehouse build; this
    mart is built after it (tag after_ml). Counts only: which person is due is in that table, for the data
    protection officer. -#}
{{ config(tags=['after_ml']) }}
with

due as (

    select * from {{ source('privacy', 'retention_due') }}

)

select
    rule,
    max(as_of_date) as as_of_date,
    {{ dbt.cast("sum(case when due_on <= " ~ dbt.dateadd('day', 30, 'as_of_date') ~ " then 1 else 0 end)",
                dbt.type_int()) }} as people_due_within_30_days,
    {{ dbt.cast("sum(case when due_on <= " ~ dbt.dateadd('day', 90, 'as_of_date') ~ " then 1 else 0 end)",
                dbt.type_int()) }} as people_due_within_90_days,
    {{ dbt.cast('count(*)', dbt.type_int()) }} as people_with_a_due_date,
    min(due_on) as next_due_on
from due
group by rule
