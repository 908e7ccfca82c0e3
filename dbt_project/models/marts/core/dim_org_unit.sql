{#-
    Departments (org units) with their parent, level in the tree (1 = root), root, and path from the root,
    e.g. 'Shanhai Tech > Engineering > Backend Engineering'. The tree is walked with a fixed number of
    self-joins (var('org_max_depth'), default 10) instead of a recursive CTE: portable to every engine and
    unit-testable. is_path_complete is false when the walk stopped before a root (deeper tree, a cycle, or a
    parent missing from the export).
-#}
{%- set max_depth = var('org_max_depth', 10) | int -%}
with

departments as (

    select * from {{ ref('int_departments_prepared') }}

),

crosswalk as (

    {{ person_crosswalk('hris__employees') }}

),

current_jobs as (

    select department_id, count(distinct person_key) as current_headcount
    from {{ ref('int_job_spans_derived') }}
    where is_current
    group by department_id

),

children as (

    select parent_department_id, count(*) as child_count
    from departments
    where parent_department_id is not null
    group by parent_department_id

),

walked as (

    select
        a0.department_id,
        a0.department_name,
        a0.parent_department_id,
        a0.cost_center,
        a0.head_employee_id,
        {%- for k in range(max_depth) %}
        a{{ k }}.department_id as ancestor_{{ k }}_id,
        a{{ k }}.department_name as ancestor_{{ k }}_name,
        a{{ k }}.parent_department_id as ancestor_{{ k }}_parent_id{% if not loop.last %},{% endif %}
        {%- endfor %}
    from departments as a0
    {%- for k in range(1, max_depth) %}
    left join departments as a{{ k }}
        on a{{ k }}.department_id = a{{ k - 1 }}.parent_department_id
    {%- endfor %}

),

final as (

    select
        w.department_id,
        w.department_name,
        w.parent_department_id,
        w.cost_center,
        case when w.head_employee_id is not null then coalesce(x.person_key, {{ unknown_person_key() }})
        end as head_person_key,
        {%- for k in range(max_depth) %}
        {% if loop.first %}{% else %}+ {% endif %}case when w.ancestor_{{ k }}_id is not null then 1 else 0 end
        {%- endfor %} as org_level,
        coalesce(
            {%- for k in range(max_depth - 1, -1, -1) %}
            w.ancestor_{{ k }}_id{% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as root_department_id,
        {%- set path_parts = [] -%}
        {%- for k in range(max_depth - 1, -1, -1) -%}
            {%- if k > 0 -%}
                {%- do path_parts.append("case when w.ancestor_" ~ k ~ "_id is not null then "
                    ~ dbt.concat(["coalesce(w.ancestor_" ~ k ~ "_name, w.ancestor_" ~ k ~ "_id)", "' > '"]) ~ " else '' end") -%}
            {%- else -%}
                {%- do path_parts.append("coalesce(w.ancestor_0_name, w.ancestor_0_id)") -%}
            {%- endif -%}
        {%- endfor %}
        {{ dbt.concat(path_parts) }} as department_path,
        {%- set id_parts = [] -%}
        {%- for k in range(max_depth - 1, -1, -1) -%}
            {%- if k > 0 -%}
                {%- do id_parts.append("case when w.ancestor_" ~ k ~ "_id is not null then "
                    ~ dbt.concat(["w.ancestor_" ~ k ~ "_id", "'/'"]) ~ " else '' end") -%}
            {%- else -%}
                {%- do id_parts.append("w.ancestor_0_id") -%}
            {%- endif -%}
        {%- endfor %}
        {{ dbt.concat(id_parts) }} as department_id_path,
        case
            {%- for k in range(max_depth - 1, -1, -1) %}
            when w.ancestor_{{ k }}_id is not null then w.ancestor_{{ k }}_parent_id is null
            {%- endfor %}
        end as is_path_complete,
        w.parent_department_id is null as is_root,
        coalesce(c.child_count, 0) = 0 as is_leaf,
        coalesce(h.current_headcount, 0) as current_headcount
    from walked as w
    left join crosswalk as x
        on x.source_record_id = w.head_employee_id
    left join children as c
        on c.parent_department_id = w.department_id
    left join current_jobs as h
        on h.department_id = w.department_id

)

select * from final
