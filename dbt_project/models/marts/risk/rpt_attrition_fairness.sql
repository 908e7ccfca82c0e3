{#- Fairness of the attrition watch list, for HR and the model's owners: for the latest scoring day, per slice
    (gender, age band) and group, how many employees were scored, how many the model put in the 'high' band (the
    watch list HR acts on), the selection rate, and its ratio to the highest rate of the slice. A ratio under
    var('fairness_min_selection_ratio') (0.8, the four-fifths rule of adverse-impact analysis) means the groups
    are put on the list at unequal rates: it is flagged and fails a warning test, for people to look into (a
    difference in base rates, e.g. younger employees leaving more often, shows here as well as a biased model). Gender and age band come from the employee's latest feature snapshot on or before the
    scoring day (ml.attrition_features, where they are kept for fairness only and never used as features).
    Groups under var('min_group_size') employees are suppressed (counts and rates null) and take no part in the
    ratio; a ratio is only computed for groups of at least var('fairness_min_group_employees') employees, below
    which a rate is noise. Calibration by slice on held-out data is in each registered model's metadata.json. -#}
{%- set min_employees = var('fairness_min_group_employees') | int -%}
{%- set min_ratio = var('fairness_min_selection_ratio') | float -%}
with

scores as (

    select s.person_key, s.snapshot_date, s.model_version, s.risk_band, s.risk_score
    from {{ ref('fct_attrition_risk_scores') }} as s
    where s.snapshot_date = (select max(snapshot_date) from {{ ref('fct_attrition_risk_scores') }})

),

features as (

    select
        person_key,
        {{ dbt.cast('snapshot_date', 'date') }} as feature_date,
        gender,
        age_band
    from {{ source('ml', 'attrition_features') }}

),

{#- the latest feature snapshot on or before the scoring day, per employee -#}
attributes as (

    select person_key, gender, age_band
    from (
        select
            s.person_key,
            f.gender,
            f.age_band,
            row_number() over (partition by s.person_key order by f.feature_date desc) as recency
        from scores as s
        inner join features as f
            on f.person_key = s.person_key
            and f.feature_date <= s.snapshot_date
    ) as ranked
    where recency = 1

),

scored as (

    select
        s.*,
        coalesce(a.gender, 'unknown') as gender,
        coalesce(a.age_band, 'unknown') as age_band
    from scores as s
    left join attributes as a
        on a.person_key = s.person_key

),

groups as (

    select
        snapshot_date, model_version, 'gender' as slice, gender as slice_group,
        count(*) as employees_scored,
        count(case when risk_band = 'high' then 1 end) as employees_flagged,
        avg(risk_score) as mean_risk_score
    from scored
    group by snapshot_date, model_version, gender

    union all

    select
        snapshot_date, model_version, 'age_band', age_band,
        count(*),
        count(case when risk_band = 'high' then 1 end),
        avg(risk_score)
    from scored
    group by snapshot_date, model_version, age_band

),

rated as (

    select
        g.*,
        employees_flagged * 1.0 / employees_scored as selection_rate
    from groups as g

),

compared as (

    select
        r.*,
        case when employees_scored >= {{ min_employees }} and slice_group <> 'unknown' then
            selection_rate / nullif(max(case when employees_scored >= {{ min_employees }}
                                             and slice_group <> 'unknown' then selection_rate end)
                                    over (partition by snapshot_date, model_version, slice), 0)
        end as selection_rate_ratio
    from rated as r

)

select
    {{ surrogate_key(['snapshot_date', 'model_version', 'slice', 'slice_group']) }} as fairness_row_id,
    snapshot_date,
    model_version,
    slice,
    slice_group,
    {{ suppress_small_groups('employees_scored', ['employees_flagged', 'selection_rate', 'mean_risk_score',
                                                  'selection_rate_ratio']) }},
    coalesce(employees_scored >= {{ var('min_group_size') }}
             and selection_rate_ratio < {{ min_ratio }}, false) as is_below_four_fifths
from compared
