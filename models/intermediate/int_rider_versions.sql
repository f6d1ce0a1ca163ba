-- SCD2 history of riders from every version in raw (rule 4; see macros/scd2.sql).
-- Incremental per rider; the post-hook drops riders left without a kept version.
{{ config(materialized='incremental', unique_key='rider_id', incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_keys_missing_from(ref('stg_rideshare__rider_versions'), 'rider_id') }}") }}
{#- loaded_through reads every raw table, so build after all of the sample's raw
    seeds (not only this entity's), or a parallel build can find one missing. -#}
{% for table in raw_tables() -%}
-- depends_on: {{ ref(table) }}
{% endfor -%}
{{ scd2_history(
    ref('stg_rideshare__rider_versions'),
    'rider_id',
    'rider_version_key',
    ['first_name', 'last_name', 'email', 'phone', 'home_city_id', 'is_business'],
    'riders'
) }}
