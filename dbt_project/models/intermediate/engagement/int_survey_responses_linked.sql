{#- Survey answers with survey type and question dimension. The respondent's person_key is resolved only for
    surveys that are explicitly not anonymous (is_anonymous = false; unknown counts as anonymous): the
    respondent_id is looked up as an HRIS employee id, then as an ATS candidate id. The comment text is
    reduced to has_comment / comment_length (the text stays in staging until it is scored). -#}
with

responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

surveys as (

    select * from {{ ref('stg_surveys__surveys') }}

),

questions as (

    select * from {{ ref('stg_surveys__questions') }}

),

crosswalk as (

    select record_source, source_record_id, person_key
    from {{ ref('int_person_records_resolved') }}
    where record_source in ('hris__employees', 'ats__candidates')

),

joined as (

    select
        r.response_id,
        r.survey_id,
        r.question_id,
        s.survey_type,
        coalesce(s.is_anonymous = false, false) as is_attributable,
        coalesce(s.is_anonymous, true) as is_anonymous,
        q.dimension,
        coalesce(q.is_free_text, false) as is_free_text,
        q.scale_min,
        q.scale_max,
        r.score,
        r.comment is not null as has_comment,
        {{ dbt.length('r.comment') }} as comment_length,
        r.submitted_at_utc,
        {{ dbt.cast('r.submitted_at_utc', 'date') }} as submitted_date_utc,
        r.respondent_id,
        e.person_key as employee_person_key,
        c.person_key as candidate_person_key
    from responses as r
    left join surveys as s
        on s.survey_id = r.survey_id
    left join questions as q
        on q.question_id = r.question_id
    left join crosswalk as e
        on e.record_source = 'hris__employees'
        and e.source_record_id = r.respondent_id
    left join crosswalk as c
        on c.record_source = 'ats__candidates'
        and c.source_record_id = r.respondent_id

)

select
    response_id,
    survey_id,
    question_id,
    survey_type,
    is_anonymous,
    dimension,
    is_free_text,
    scale_min,
    scale_max,
    score,
    has_comment,
    coalesce(comment_length, 0) as comment_length,
    submitted_at_utc,
    submitted_date_utc,
    case when is_attributable then respondent_id end as respondent_source_id,
    case
        when not is_attributable then null
        when employee_person_key is not null then 'hris__employees'
        when candidate_person_key is not null then 'ats__candidates'
    end as respondent_record_source,
    case
        when is_attributable
            then coalesce(employee_person_key, candidate_person_key, {{ unknown_person_key() }})
    end as respondent_person_key
from joined
