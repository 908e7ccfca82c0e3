{#- Candidate experience per quarter (first day of the quarter, UTC) x measure source x stage/round:
    - interview_rating: interviewers' 1-5 ratings per interview round ('round_<n>'), people = distinct
      candidates rated;
    - experience_survey: interview_experience survey 1-5 scores per the furthest funnel stage reached by the
      respondent's latest application on or before the answer (applied, screened, interview, offer, hired;
      'unknown' when none), people = distinct respondents.
    Groups of fewer than var min_group_size people are suppressed (measures and people null). -#}
with

funnel_stages as (

    {{ recruiting_funnel_stages() }}

),

ratings as (

    select
        {{ dbt.cast(dbt.date_trunc('quarter', 'interview_date'), 'date') }} as experience_quarter,
        'interview_rating' as measure_source,
        {{ dbt.concat(["'round_'", dbt.cast('interview_round', dbt.type_string())]) }} as stage_or_round,
        {{ dbt.cast('application_id', dbt.type_string()) }} as person_ref,
        rating as score
    from {{ ref('int_interviews_linked') }}
    where rating >= 1
        and rating <= 5
        and interview_date is not null
        and interview_round is not null

),

furthest_stage as (

    select s.application_id, max(f.stage_order) as stage_order
    from {{ ref('int_application_stages_linked') }} as s
    inner join funnel_stages as f
        on f.stage = s.stage
    group by s.application_id

),

survey_answers as (

    select
        r.response_id,
        r.score,
        r.submitted_date_utc,
        coalesce(r.respondent_source_id, r.response_id) as person_ref,
        f.stage_order,
        row_number() over (
            partition by r.response_id order by a.applied_date desc, a.application_id desc
        ) as application_rank
    from {{ ref('int_survey_responses_linked') }} as r
    left join {{ ref('int_applications_linked') }} as a
        on r.respondent_record_source = 'ats__candidates'
        and a.candidate_id = r.respondent_source_id
        and a.applied_date <= r.submitted_date_utc
    left join furthest_stage as f
        on f.application_id = a.application_id
    where r.survey_type = 'interview_experience'
        and r.score >= 1
        and r.score <= 5
        and r.submitted_date_utc is not null

),

surveys as (

    select
        {{ dbt.cast(dbt.date_trunc('quarter', 'a.submitted_date_utc'), 'date') }} as experience_quarter,
        'experience_survey' as measure_source,
        coalesce(f.stage, 'unknown') as stage_or_round,
        a.person_ref,
        a.score
    from survey_answers as a
    left join funnel_stages as f
        on f.stage_order = a.stage_order
    where a.application_rank = 1

),

combined as (

    select * from ratings
    union all
    select * from surveys

),

grouped as (

    select
        experience_quarter,
        measure_source,
        stage_or_round,
        count(distinct person_ref) as people,
        count(*) as answers,
        avg({{ dbt.cast('score', dbt.type_numeric()) }}) as mean_score,
        avg(case when score >= 4 then 1.0 else 0.0 end) as favourable_share
    from combined
    group by experience_quarter, measure_source, stage_or_round

)

select
    {{ surrogate_key(['experience_quarter', 'measure_source', 'stage_or_round']) }} as candidate_experience_key,
    experience_quarter,
    measure_source,
    stage_or_round,
    {{ suppress_small_groups('people', ['answers', 'mean_score', 'favourable_share']) }}
from grouped
