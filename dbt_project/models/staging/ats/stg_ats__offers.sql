with

latest as (

    {{ dedupe_latest(source('raw', 'ats__offers'), ['offer_id']) }}

),

renamed as (

    select
        ---------- ids
        {{ dbt.cast('offer_id', dbt.type_string()) }} as offer_id,
        {{ dbt.cast('application_id', dbt.type_string()) }} as application_id,

        ---------- offer
        {{ dbt.cast('status', dbt.type_string()) }} as offer_status,
        status = 'accepted' as is_accepted,
        {{ dbt.cast('offered_at', 'date') }} as offered_date,
        {{ dbt.cast('responded_at', 'date') }} as responded_date,
        case
            when responded_at is not null then {{ dbt.datediff('offered_at', 'responded_at', 'day') }}
        end as days_to_respond,
        {{ dbt.cast('proposed_start_date', 'date') }} as proposed_start_date,
        {{ dbt.cast('base_salary', dbt.type_numeric()) }} as base_salary,
        {{ dbt.cast('currency', dbt.type_string()) }} as currency,
        {{ clean_name('decline_reason') }} as decline_reason,

        ---------- lineage
        _batch_id,
        _loaded_at

    from latest

)

select * from renamed
