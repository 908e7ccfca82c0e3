{#- What comments talk about, and in what mood: one row per survey x department x topic. A comment counts under
    every topic it is tagged with ('untagged' when none). Groups with fewer than var('min_comment_group_size')
    (10) comments are suppressed: count and measures null, is_suppressed true (comment text never reaches a
    mart, but a topic and a mood over three comments could still point at people). -#}
{%- set max_topics = 8 -%}
with

comments as (

    select * from {{ ref('fct_comment_sentiment') }}

),

topic_rows as (

    {%- for part in range(1, max_topics + 1) %}
    select response_id, survey_id, survey_type, respondent_department_id, sentiment, sentiment_score,
        {{ dbt.split_part('topics', "';'", part) }} as topic
    from comments
    where topics <> ''
    union all
    {%- endfor %}
    select response_id, survey_id, survey_type, respondent_department_id, sentiment, sentiment_score,
        'untagged' as topic
    from comments
    where topics = ''

),

grouped as (

    select
        survey_id,
        survey_type,
        respondent_department_id as department_id,
        topic,
        count(distinct response_id) as comments,
        avg(sentiment_score) as mean_sentiment_score,
        avg(case when sentiment = 'negative' then 1.0 else 0.0 end) as negative_share
    from topic_rows
    where topic is not null and topic <> ''
    group by survey_id, survey_type, respondent_department_id, topic

)

select
    {{ surrogate_key(['survey_id', 'department_id', 'topic']) }} as comment_topic_id,
    survey_id,
    survey_type,
    department_id,
    topic,
    {{ suppress_small_groups('comments', ['mean_sentiment_score', 'negative_share'],
                             min_size=var('min_comment_group_size')) }}
from grouped
