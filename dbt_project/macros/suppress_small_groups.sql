{#-
    Small-group suppression for aggregates over people (engagement and candidate-experience marts).

    suppress_small_groups(respondents, measures, min_size=none, comment_measures=[], min_comment_size=none)
    renders select-list items for a row that already carries the group's distinct respondent count in the
    column/expression `respondents`:
      - every column in `measures` -> null when respondents < min_size (var min_group_size, default 5);
      - every column in `comment_measures` -> null when respondents < min_comment_size
        (var min_comment_group_size, default 10) or the group is suppressed;
      - `respondents` itself -> null when suppressed (the count is NOT kept, not even as a '<5' bucket:
        a bucket next to unsuppressed totals would still narrow down small groups);
      - is_suppressed -> true when respondents < min_size.
    Use it in the final select after group by: `select survey_id, {{ suppress_small_groups('respondents',
    ['mean_score']) }} from grouped`.
-#}
{% macro suppress_small_groups(respondents, measures, min_size=none, comment_measures=[], min_comment_size=none) -%}
    {%- set min_size = min_size if min_size is not none else var('min_group_size') -%}
    {%- set min_comment_size = min_comment_size if min_comment_size is not none
        else var('min_comment_group_size') -%}
    {%- set kept = "coalesce(" ~ respondents ~ ", 0) >= " ~ min_size -%}
    {%- set comment_kept = kept ~ " and " ~ respondents ~ " >= " ~ min_comment_size -%}
    case when {{ kept }} then {{ respondents }} end as {{ respondents.split('.')[-1] }},
    {%- for measure in measures %}
    case when {{ kept }} then {{ measure }} end as {{ measure.split('.')[-1] }},
    {%- endfor %}
    {%- for measure in comment_measures %}
    case when {{ comment_kept }} then {{ measure }} end as {{ measure.split('.')[-1] }},
    {%- endfor %}
    not ({{ kept }}) as is_suppressed
{%- endmacro %}
