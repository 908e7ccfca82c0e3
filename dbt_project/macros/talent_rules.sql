{#-
    Talent rules: conditions written in YAML (talent pools in the `meta.talent_pools` of dim_talent_pool,
    talent segments in the `meta.talent_segments` of dim_person_talent_segment) compiled into SQL boolean
    expressions over the columns of int_person_day_features_joined.

    A rule is a condition or a combination of conditions:
        {field: years_experience, le: 5}          one field, one operator
        {all: [rule, rule, ...]}                  every rule holds
        {any: [rule, rule, ...]}                  at least one holds
        {not: rule}                               the rule does not hold
    Operators: eq, ne, lt, le, gt, ge, in, not_in (a list), between ([low, high], both included),
    is_null (true/false), contains (for `skills`: the ';'-separated list holds the value, or any of a list).
    A condition on a missing value is false (except is_null), so `{not: ...}` of it is true.
    Mistakes (an unknown field or operator, a malformed rule) stop the build with a message naming the rule.
-#}

{#- The rule vocabulary: columns of int_person_day_features_joined a rule may test. -#}
{% macro talent_rule_fields() -%}
    {{ return([
        'lifecycle_stage', 'is_employed', 'department_id', 'job_family', 'job_level', 'location', 'region',
        'years_experience', 'tenure_years', 'skills', 'performance_rating', 'potential_rating',
        'is_key_talent', 'is_high_potential', 'exit_date', 'days_since_exit', 'exit_is_voluntary',
        'exit_is_regretted', 'exit_reason', 'source_channel', 'is_referred', 'has_contact_consent',
        'applications_count', 'days_since_last_application', 'furthest_unsuccessful_stage',
        'days_since_last_touch',
    ]) }}
{%- endmacro %}

{#- A Jinja value as a SQL literal: strings quoted (quotes doubled), numbers and booleans as they are. -#}
{% macro sql_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true -%}
        true
    {%- elif value is sameas false -%}
        false
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace("'", "''") }}'
    {%- endif -%}
{%- endmacro %}

{#- The SQL of one rule; `where` names the rule in error messages (e.g. "talent pool silver_medalists"). -#}
{% macro talent_rule(rule, where) -%}
    coalesce(({{ trm._talent_condition(rule, where) }}), false)
{%- endmacro %}

{% macro _talent_condition(rule, where) -%}
    {%- if rule is not mapping -%}
        {{ exceptions.raise_compiler_error(where ~ ": a rule must be a mapping such as {field: region, eq: 'South China'} or {all: [...]}, got " ~ rule) }}
    {%- endif -%}
    {%- if 'all' in rule or 'any' in rule -%}
        {%- set op = 'all' if 'all' in rule else 'any' -%}
        {%- set parts = rule[op] -%}
        {%- if rule | length != 1 or parts is string or parts is not iterable or parts | length == 0 -%}
            {{ exceptions.raise_compiler_error(where ~ ": '" ~ op ~ "' takes a non-empty list of rules and nothing beside it, got " ~ rule) }}
        {%- endif -%}
        ({% for part in parts %}({{ trm._talent_condition(part, where) }}){% if not loop.last %} {{ 'and' if op == 'all' else 'or' }} {% endif %}{% endfor %})
    {%- elif 'not' in rule -%}
        {%- if rule | length != 1 -%}
            {{ exceptions.raise_compiler_error(where ~ ": 'not' takes one rule and nothing beside it, got " ~ rule) }}
        {%- endif -%}
        not coalesce(({{ trm._talent_condition(rule['not'], where) }}), false)
    {%- else -%}
        {{ trm._talent_comparison(rule, where) }}
    {%- endif -%}
{%- endmacro %}

{% macro _talent_comparison(rule, where) -%}
    {%- set fields = trm.talent_rule_fields() -%}
    {%- set operators = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in', 'not_in', 'between', 'is_null', 'contains'] -%}
    {%- set field = rule.get('field') -%}
    {%- if field not in fields -%}
        {{ exceptions.raise_compiler_error(where ~ ": unknown field '" ~ field ~ "' in " ~ rule ~ ". Fields a rule can test: " ~ fields | join(', ')) }}
    {%- endif -%}
    {%- set ops = [] -%}
    {%- for key in rule if key != 'field' -%}{%- do ops.append(key) -%}{%- endfor -%}
    {%- if ops | length != 1 or ops[0] not in operators -%}
        {{ exceptions.raise_compiler_error(where ~ ": condition " ~ rule ~ " needs exactly one operator out of " ~ operators | join(', ')) }}
    {%- endif -%}
    {%- set op = ops[0] -%}
    {%- set value = rule[op] -%}
    {%- set is_list = value is iterable and value is not string and value is not mapping -%}
    {%- if op in ('in', 'not_in', 'between') and not is_list -%}
        {{ exceptions.raise_compiler_error(where ~ ": '" ~ op ~ "' needs a list, got " ~ rule) }}
    {%- endif -%}
    {%- if op == 'between' and value | length != 2 -%}
        {{ exceptions.raise_compiler_error(where ~ ": 'between' needs [low, high], got " ~ rule) }}
    {%- endif -%}
    {%- set symbols = {'eq': '=', 'ne': '<>', 'lt': '<', 'le': '<=', 'gt': '>', 'ge': '>='} -%}
    {%- if op in symbols -%}
        {{ field }} {{ symbols[op] }} {{ trm.sql_literal(value) }}
    {%- elif op in ('in', 'not_in') -%}
        {{ field }} {{ 'not ' if op == 'not_in' else '' }}in ({% for v in value %}{{ trm.sql_literal(v) }}{% if not loop.last %}, {% endif %}{% endfor %})
    {%- elif op == 'between' -%}
        {{ field }} between {{ trm.sql_literal(value[0]) }} and {{ trm.sql_literal(value[1]) }}
    {%- elif op == 'is_null' -%}
        {{ field }} is {{ '' if value else 'not ' }}null
    {%- else -%}
        {%- set needles = value if is_list else [value] -%}
        ({% for v in needles %}(';' || lower({{ field }}) || ';') like {{ trm.sql_literal('%;' ~ (v | string | lower) ~ ';%') }}{% if not loop.last %} or {% endif %}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{#- Rule definitions kept in the YAML `meta` of a model (read from the graph, so any model can use them). -#}
{% macro talent_rule_definitions(model_name, key) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == model_name -%}
        {%- set meta = node.config.get('meta') or node.get('meta') or {} -%}
        {%- set definitions = meta.get(key, []) -%}
        {%- set seen = [] -%}
        {%- for d in definitions -%}
            {%- set id_key = 'pool_id' if key == 'talent_pools' else 'segment' -%}
            {%- if d is not mapping or not d.get(id_key) or 'rule' not in d -%}
                {{ exceptions.raise_compiler_error(model_name ~ " meta." ~ key ~ ": every entry needs '" ~ id_key ~ "' and 'rule', got " ~ d) }}
            {%- endif -%}
            {%- if not modules.re.match('^[a-z][a-z0-9_]*$', d[id_key] | string) -%}
                {{ exceptions.raise_compiler_error(model_name ~ " meta." ~ key ~ ": '" ~ d[id_key] ~ "' must be lower_snake_case") }}
            {%- endif -%}
            {%- if d[id_key] in seen -%}
                {{ exceptions.raise_compiler_error(model_name ~ " meta." ~ key ~ ": '" ~ d[id_key] ~ "' is defined twice") }}
            {%- endif -%}
            {%- do seen.append(d[id_key]) -%}
        {%- endfor -%}
        {{ return(definitions) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("talent rules: no model named " ~ model_name) }}
{%- endmacro %}
