{#- Select-list items of the per-person result of an attrition scoring run (ml.attrition_scores), as the risk
    marts pass it on unchanged: score, percentile, band, top three drivers and suggested actions, qualified by
    `alias`; no trailing comma. -#}
{% macro attrition_score_columns(alias) -%}
    {%- for column in ['risk_score', 'risk_percentile', 'risk_band', 'driver_1', 'driver_2', 'driver_3',
                       'suggested_actions'] -%}
    {{ alias }}.{{ column }}{{ ',' if not loop.last }}
    {% endfor -%}
{%- endmacro %}
