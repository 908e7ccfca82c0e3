{#-
    Incremental staging of a large append-only raw table (punches, messages, stage moves, survey responses):
    the latest version of each key, as dedupe_latest, computed over the rows loaded since the model last ran
    (`_loaded_at` after the newest one it holds). The model is incremental with delete+insert on its id (a
    function of the key), so a key seen again replaces its stored version: the same rows as deduplicating the
    whole raw table, at the cost of the night's new rows.

    Raw rows can also disappear: a rejected batch is deleted from raw (`trm batches --reject`). When a batch the
    model holds is no longer in raw, the model recomputes every key (the pre-hook restart_if_batches_vanished
    empties it first, so keys whose only version was rejected go too). `--full-refresh` rebuilds from raw.
-#}
{% macro latest_versions(relation, key_columns) -%}
    {%- if is_incremental() and not trm.batches_vanished(relation) -%}
        {%- set new_rows -%}
            (select * from {{ relation }}
             where _loaded_at > coalesce((select max(_loaded_at) from {{ this }}),
                                  {{ dbt.cast("'1900-01-01'", dbt.type_timestamp()) }})) as loaded_since_last_run
        {%- endset -%}
        {{ trm.dedupe_latest(new_rows, key_columns) }}
    {%- else -%}
        {{ trm.dedupe_latest(relation, key_columns) }}
    {%- endif -%}
{%- endmacro %}

{#- True when the model holds rows of a batch that `relation` (raw) no longer has (read at run time). -#}
{% macro batches_vanished(relation) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set query -%}
        select count(*) from (select distinct _batch_id from {{ this }}) as held
        where _batch_id not in (select distinct _batch_id from {{ relation }})
    {%- endset -%}
    {{ return(run_query(query).columns[0].values()[0] > 0) }}
{%- endmacro %}

{#- Pre-hook of a latest_versions model: empty it when it must be recomputed from raw (see above). -#}
{% macro restart_if_batches_vanished(relation) -%}
    {%- if is_incremental() and trm.batches_vanished(relation) -%}
        delete from {{ this }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
