with

latest as (

    {{ dedupe_latest(source('raw', 'ats__interviews'), ['interview_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('interview_id', dbt.type_string()) }} as interview_id,
        {{ dbt.cast('application_id', dbt.type_string()) }} as application_id,
        {{ dbt.cast('interviewer_employee_id', dbt.type_string()) }} as interviewer_employee_id,

        ---------- interview
        {{ dbt.cast('interview_round', dbt.type_int()) }} as interview_round,
        {{ to_utc_timestamp('interviewed_at') }} as interviewed_at_utc,
        {{ dbt.cast('rating', dbt.type_int()) }} as rating,
        {{ dbt.cast('recommendation', dbt.type_string()) }} as recommendation,

        ---------- lineage
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed
