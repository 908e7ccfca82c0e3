{#- Employee Net Promoter Score per eNPS survey x department (of the respondent on the day they answered,
    from the HRIS job spans): promoters score 9-10, passives 7-8, detractors 0-6 on the 0-10 question;
    eNPS = % promoters - % detractors (-100 .. 100). Small groups suppressed (var min_group_size).
    Anonymous answers: department null, the k-th answer counts as pseudo-respondent k. -#}
with

responses as (

    select *
    from {{ ref('int_survey_responses_assigned_to_departments') }}
    where survey_type = 'enps'
        and dimension = 'enps'
        and score is not null
        and score >= 0
        and score <= 10

),

surveys as (

    select survey_id, opened_date, closed_date from {{ ref('int_surveys_prepared') }}

),

{#- One score per respondent and survey (the latest answer when someone answered twice). -#}
answers as (

    select
        survey_id,
        department_id,
        score,
        row_number() over (
            partition by survey_id, respondent_ref order by response_id desc
        ) as answer_rank
    from (
        select
            *,
            {{ survey_respondent_ref(['survey_id', 'department_id', 'question_id']) }} as respondent_ref
        from responses
    ) as ranked

),

grouped as (

    select
        survey_id,
        department_id,
        count(*) as respondents,
        sum(case when score >= 9 then 1 else 0 end) as promoters,
        sum(case when score >= 7 and score < 9 then 1 else 0 end) as passives,
        sum(case when score < 7 then 1 else 0 end) as detractors
    from answers
    where answer_rank = 1
    group by survey_id, department_id

),

scored as (

    select
        *,
        100.0 * promoters / respondents as promoter_pct,
        100.0 * detractors / respondents as detractor_pct,
        100.0 * (promoters - detractors) / respondents as enps
    from grouped

)

select
    {{ surrogate_key(['g.survey_id', 'g.department_id']) }} as enps_key,
    g.survey_id,
    s.opened_date as survey_opened_date,
    s.closed_date as survey_closed_date,
    g.department_id,
    {{ suppress_small_groups('g.respondents',
        ['g.promoters', 'g.passives', 'g.detractors', 'g.promoter_pct', 'g.detractor_pct', 'g.enps']) }}
from scored as g
left join surveys as s
    on s.survey_id = g.survey_id
