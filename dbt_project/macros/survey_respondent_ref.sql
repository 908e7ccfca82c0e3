{#-
    Who answered, for counting distinct respondents of survey answers: the respondent id where the survey is
    attributable (respondent_source_id), else a pseudo-respondent 'anonymous-<k>' for the k-th answer (by
    response_id) within `partition_by` (a list of columns that includes question_id), so the number of
    anonymous respondents of a group is the largest number of answers to one of its questions.
-#}
{% macro survey_respondent_ref(partition_by) -%}
    coalesce(
        respondent_source_id,
        {{ dbt.concat(["'anonymous-'", dbt.cast(
            "row_number() over (partition by " ~ partition_by | join(', ') ~ " order by response_id)",
            dbt.type_string())]) }}
    )
{%- endmacro %}
