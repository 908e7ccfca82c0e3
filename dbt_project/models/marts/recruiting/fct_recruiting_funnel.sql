{#- Recruiting funnel per requisition x funnel stage x source channel. Funnel stages in order: applied (1),
    screened (2), interview (3), offer (4), hired (5); rejected / withdrawn are exits, not stages. An
    application has entered a stage when it reached that stage or a later one (its furthest funnel stage by
    rank - a skipped stage counts as passed through), and advanced when it reached a later stage, so entering
    counts never grow from one stage to the next. Days in stage come from the application's own stage record
    (closed records only: days_in_stage of the ATS; several records of one stage are summed). -#}
with

funnel_stages as (

    {{ recruiting_funnel_stages() }}

),

applications as (

    select application_id, requisition_id, source_channel
    from {{ ref('int_applications_linked') }}

),

stage_records as (

    select s.application_id, s.stage, f.stage_order, s.days_in_stage
    from {{ ref('int_application_stages_linked') }} as s
    inner join funnel_stages as f
        on f.stage = s.stage

),

furthest as (

    select application_id, max(stage_order) as furthest_stage_order
    from stage_records
    group by application_id

),

durations as (

    select application_id, stage, sum(days_in_stage) as days_in_stage
    from stage_records
    where days_in_stage is not null
    group by application_id, stage

),

application_stages as (

    select
        a.requisition_id,
        a.source_channel,
        f.stage,
        f.stage_order,
        a.application_id,
        case when r.furthest_stage_order > f.stage_order then 1 else 0 end as has_advanced,
        d.days_in_stage
    from applications as a
    inner join furthest as r
        on r.application_id = a.application_id
    inner join funnel_stages as f
        on f.stage_order <= r.furthest_stage_order
    left join durations as d
        on d.application_id = a.application_id
        and d.stage = f.stage

),

grouped as (

    select
        requisition_id,
        stage,
        stage_order,
        source_channel,
        count(*) as candidates_entered,
        case when stage_order < 5 then sum(has_advanced) end as candidates_advanced,
        count(days_in_stage) as candidates_with_duration,
        percentile_cont(0.5) within group (order by days_in_stage) as median_days_in_stage,
        avg({{ dbt.cast('days_in_stage', dbt.type_numeric()) }}) as avg_days_in_stage
    from application_stages
    group by requisition_id, stage, stage_order, source_channel

)

select
    {{ surrogate_key(['requisition_id', 'stage', 'source_channel']) }} as funnel_key,
    requisition_id,
    stage,
    stage_order,
    case stage
        when 'applied' then 'screened'
        when 'screened' then 'interview'
        when 'interview' then 'offer'
        when 'offer' then 'hired'
    end as next_stage,
    source_channel,
    candidates_entered,
    candidates_advanced,
    {{ dbt.cast('candidates_advanced', dbt.type_numeric()) }} / candidates_entered as conversion_rate,
    candidates_with_duration,
    median_days_in_stage,
    avg_days_in_stage
from grouped
