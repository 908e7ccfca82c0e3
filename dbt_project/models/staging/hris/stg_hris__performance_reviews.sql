with

latest as (

    {{ dedupe_latest(source('raw', 'hris__performance_reviews'), ['employee_id', 'review_period']) }}

),

renamed as (

    select
        ---------- ids
        {{ surrogate_key(['employee_id', 'review_period']) }} as performance_review_id,
        {{ dbt.cast('employee_id', dbt.type_string()) }} as employee_id,
        {{ dbt.cast('reviewer_employee_id', dbt.type_string()) }} as reviewer_employee_id,

        ---------- review
        {{ dbt.cast('review_period', dbt.type_string()) }} as review_period,
        {{ dbt.cast('review_date', 'date') }} as review_date,
        {{ dbt.cast('performance_rating', dbt.type_int()) }} as performance_rating,
        {{ dbt.cast('potential_rating', dbt.type_string()) }} as potential_rating,
        {{ dbt.cast('is_key_talent', dbt.type_boolean()) }} as is_key_talent,

        ---------- lineage
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed
