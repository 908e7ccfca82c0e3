{#-
    Incremental person x day models that equal a full build, also after back-dated changes.

    A person x day model (one row per person and day up to the as-of date) is rebuilt per person: each night the
    model's inputs are fingerprinted per person (`inputs_sql`: person_key, inputs_fingerprint); a person whose
    fingerprint changed since the last build (a back-dated job change, a correction, a merge of two people) gets
    every day recomputed, every other person only the days after the last build's as-of date. The fingerprints
    and that as-of date are kept in `<model>__built_inputs`, written after each build (post-hook
    record_person_day_inputs). The pre-hook forget_person_days deletes what is about to be recomputed, so a build
    that stopped halfway is repaired by the next one. A person who left the inputs loses their rows too.

    The fingerprints are computed once per build (person_day_prepare, the first pre-hook, or the compile-time plan):
    into `<model>__current_inputs`, with the people to rebuild in `<model>__rebuild` and the day after which everyone
    is recomputed in `<model>__resume` (null: every row was rebuilt). The last two stay after the build: they say
    which rows it wrote, and the model's heavy tests check only those rows on a normal night (tests config
    `where: __rebuilt_rows__`, macros/test_scope.sql); a full refresh checks every row.

    In the model (incremental mode only): person_day_rebuild_ctes() adds the CTEs `rebuilt_people`
    (person_key) and `resume` (resume_after: the last day kept for everyone else); rows of rebuilt people are
    computed in full, the others from resume_after (for lag/lead) and kept after it. A model whose late exports
    may still change recent days gives person_day_prepare `lookback_days`: everyone's last lookback_days days
    before the last build's as-of date are recomputed too. A model whose events can arrive even later gives
    `late_people_sql`: the person_keys with new events dated at or before `__resume_after__` (replaced by the day
    after which everyone is recomputed); they are rebuilt in full, like a changed fingerprint.
    person_day_rebuild_plan gives the same answer as
    literals read at compile time, for models that filter a view with them (a literal reaches the view's sources;
    a subquery does not).
-#}
{% macro person_day_state() -%}
    {{ return(adapter.get_relation(this.database, this.schema, this.identifier ~ '__built_inputs')) }}
{%- endmacro %}

{% macro person_day_relations() -%}
    {%- set names = {} -%}
    {%- for part in ['current_inputs', 'rebuild', 'resume'] -%}
        {%- do names.update({part: api.Relation.create(database=this.database, schema=this.schema,
                                                       identifier=this.identifier ~ '__' ~ part)}) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}

{#- First pre-hook (and the compile-time plan): this build's fingerprints, who is rebuilt and from which day.
    Computed once per dbt invocation: the plan of a model that needs literals runs it when the model compiles, just
    before the hooks, and the hook then finds it done. -#}
{% macro person_day_prepare(inputs_sql, lookback_days=0, late_people_sql=none) -%}
    {%- set rel = trm.person_day_relations() -%}
    {%- set state = trm.person_day_state() -%}
    {%- if execute and adapter.get_relation(rel.resume.database, rel.resume.schema, rel.resume.identifier) is not none
            and adapter.get_relation(rel.current_inputs.database, rel.current_inputs.schema,
                                     rel.current_inputs.identifier) is not none
            and run_query('select invocation_id from ' ~ rel.resume).columns[0].values()[0] == invocation_id -%}
        select 1
    {%- else -%}
        create or replace table {{ rel.current_inputs }} as {{ inputs_sql }};
        {%- if is_incremental() and state is not none %}
        create or replace table {{ rel.resume }} as
        select r.resume_after, {{ trm.sql_literal(invocation_id) }} as invocation_id
        from ({{ trm.resume_after_sql(state, lookback_days) }}) as r;
        create or replace table {{ rel.rebuild }} as
        {{ trm.changed_keys(rel.current_inputs, state, 'person_key') }}
        {%- if late_people_sql %}
        union
        {{ late_people_sql | replace('__resume_after__', '(select resume_after from ' ~ rel.resume ~ ')') }}
        {%- endif %};
        {%- else %}
        {#- first build, full refresh or no record of the last build: every row is rebuilt #}
        create or replace table {{ rel.rebuild }} as
        select person_key from {{ rel.current_inputs }} where 1 = 0;
        create or replace table {{ rel.resume }} as
        select {{ dbt.cast('null', 'date') }} as resume_after, {{ trm.sql_literal(invocation_id) }} as invocation_id;
        {%- endif %}
    {%- endif -%}
{%- endmacro %}

{% macro person_day_rebuild_ctes() -%}
    {%- set state = trm.person_day_state() -%}
    {%- set rel = trm.person_day_relations() -%}
    current_inputs as (

        select * from {{ rel.current_inputs }}

    ),

    {%- if state is none %}
    {#- no record of the last build: rebuild everyone (the pre-hook emptied the model) #}
    rebuilt_people as (

        select person_key from current_inputs

    ),

    resume as (

        select {{ dbt.cast("'1900-01-01'", 'date') }} as resume_after

    ),
    {%- else %}
    rebuilt_people as (

        select person_key from {{ rel.rebuild }}

    ),

    resume as (

        select resume_after from {{ rel.resume }}

    ),
    {%- endif %}
{%- endmacro %}

{#- The last day kept for people whose inputs did not change: the last build's as-of date, or today's as-of date
    if that is earlier (a rebuild for an earlier day), less lookback_days. -#}
{% macro resume_after_sql(state, lookback_days=0) -%}
    {%- set last_kept -%}
    case
        when max(built_as_of) is null or max(built_as_of) > {{ trm.as_of_date() }} then {{ trm.as_of_date() }}
        else max(built_as_of)
    end
    {%- endset -%}
    select {{ dbt.dateadd('day', -(lookback_days | int), last_kept) if lookback_days | int else last_kept }}
        as resume_after
    from {{ state }}
{%- endmacro %}

{#- The rebuild as literals, read when the model compiles (incremental mode only): {'resume_after': 'YYYY-MM-DD'
    or none (no record of the last build: rebuild everything), 'people': the person_keys to recompute in full
    (a list, possibly empty), or none when they are more than `max_people` (then everyone is). Prepares the
    build (person_day_prepare) on the way. -#}
{% macro person_day_rebuild_plan(inputs_sql, lookback_days=0, max_people=50000, late_people_sql=none) -%}
    {%- set state = trm.person_day_state() -%}
    {%- if not execute or state is none -%}
        {{ return({'resume_after': none, 'people': none}) }}
    {%- endif -%}
    {%- do run_query(trm.person_day_prepare(inputs_sql, lookback_days, late_people_sql)) -%}
    {%- set rel = trm.person_day_relations() -%}
    {%- set resume_after = run_query('select resume_after from ' ~ rel.resume).columns[0].values()[0] -%}
    {%- set changed = run_query('select person_key from ' ~ rel.rebuild ~ ' order by person_key limit '
                                ~ (max_people + 1)).columns[0].values() -%}
    {{ return({'resume_after': resume_after | string,
               'people': (changed | list) if changed | length <= max_people else none}) }}
{%- endmacro %}

{#- Pre-hook (after person_day_prepare): delete the rows about to be recomputed (see above). -#}
{% macro forget_person_days() -%}
    {%- if not is_incremental() -%}
        select 1
    {%- elif trm.person_day_state() is none -%}
        delete from {{ this }}
    {%- else -%}
        {%- set rel = trm.person_day_relations() -%}
        delete from {{ this }}
        where date_day > (select resume_after from {{ rel.resume }})
            or person_key in (select person_key from {{ rel.rebuild }})
    {%- endif -%}
{%- endmacro %}

{#- Post-hook: what this build was made from (the fingerprints person_day_prepare computed). -#}
{% macro record_person_day_inputs() -%}
    {%- set rel = trm.person_day_relations() -%}
    {%- set state = api.Relation.create(database=this.database, schema=this.schema,
                                        identifier=this.identifier ~ '__built_inputs') -%}
    create or replace table {{ state }} as
    select c.person_key, c.inputs_fingerprint, {{ trm.as_of_date() }} as built_as_of
    from {{ rel.current_inputs }} as c;
    drop table if exists {{ rel.current_inputs }}
{%- endmacro %}

{#- The fingerprint of each person's rows in `rows_sql` (person_key, part): an md5 over the sorted parts. -#}
{% macro fingerprint_per_person(rows_sql) -%}
    select person_key, {{ dbt.hash(dbt.listagg('part', "'|'", 'order by part')) }} as inputs_fingerprint
    from ({{ rows_sql }}) as parts
    group by person_key
{%- endmacro %}

{#- Keys whose inputs_fingerprint in `current` differs from the one in `state` (the last build's), or that are in
    only one of them: what a per-key incremental model recomputes (person_key here, employee_id in
    employee_row_increments.sql). -#}
{% macro changed_keys(current, state, key) -%}
    select c.{{ key }}
    from {{ current }} as c
    left join {{ state }} as s
        on s.{{ key }} = c.{{ key }}
    where s.{{ key }} is null or s.inputs_fingerprint <> c.inputs_fingerprint
    union
    select s.{{ key }}
    from {{ state }} as s
    left join {{ current }} as c
        on c.{{ key }} = s.{{ key }}
    where c.{{ key }} is null
{%- endmacro %}
