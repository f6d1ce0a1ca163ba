{#- The shipped sample must never overwrite bulk-loaded exports. Raw seeds
    (tag raw_sample) are skipped, leaving the table untouched, once the bulk
    loader's log (raw.load_log) records any export; every other seed, and raw
    seeds on a database that was never bulk-loaded, go through dbt's own
    seed materialization unchanged. -#}
{% materialization seed, default %}
    {%- if 'raw_sample' in config.get('tags', []) and ridehail.raw_was_bulk_loaded() -%}
        {{ log("Skipping seed " ~ this ~ ": raw holds bulk-loaded exports (raw.load_log)", info=true) }}
        {#- dbt's seed runner reads the file's table from this result -#}
        {%- do store_result('agate_table', response='OK', agate_table=load_agate_table()) -%}
        {%- call noop_statement('main', 'SKIP bulk-loaded', 'SKIP', 0) -%}
            select 1
        {%- endcall -%}
        {{ return({'relations': [this.incorporate(type='table')]}) }}
    {%- endif -%}
    {{ return(dbt.materialization_seed_default()) }}
{% endmaterialization %}

{% macro raw_was_bulk_loaded() %}
    {%- set log_relation = adapter.get_relation(database=target.database, schema='raw', identifier='load_log') -%}
    {%- if log_relation is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set result = run_query('select count(*) from ' ~ log_relation) -%}
    {{ return(result.columns[0].values()[0] > 0) }}
{% endmacro %}
