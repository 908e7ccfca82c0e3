{#- The identity crosswalk as the intermediate layer reads it: one row per person-bearing source record. Every
    int_ model gets its person_key by joining here on (record_source, source_record_id). -#}
with

crosswalk as (

    select * from {{ source('identity', 'person_crosswalk') }}

)

select
    {{ dbt.cast('record_id', dbt.type_string()) }} as record_id,
    {{ dbt.cast('record_source', dbt.type_string()) }} as record_source,
    {{ dbt.cast('source_record_id', dbt.type_string()) }} as source_record_id,
    {{ dbt.cast('person_key', dbt.type_string()) }} as person_key,
    {{ dbt.cast('rule', dbt.type_string()) }} as match_rule,
    {{ dbt.cast('score', dbt.type_float()) }} as match_score,
    {{ dbt.cast('cluster_size', dbt.type_int()) }} as cluster_size
from crosswalk
where person_key is not null
