-- SCD2 history of drivers from every version in raw (rule 4; see macros/scd2.sql).
-- Incremental per driver; the post-hook drops drivers left without a kept version.
{{ config(materialized='incremental', unique_key='driver_id', incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_keys_missing_from(ref('stg_rideshare__driver_versions'), 'driver_id') }}") }}
{#- loaded_through reads every raw table, so build after all of the sample's raw
    seeds (not only this entity's), or a parallel build can find one missing. -#}
{% for table in raw_tables() -%}
-- depends_on: {{ ref(table) }}
{% endfor -%}
{{ scd2_history(
    ref('stg_rideshare__driver_versions'),
    'driver_id',
    'driver_version_key',
    ['first_name', 'last_name', 'email', 'phone', 'city_id', 'vehicle_make',
     'vehicle_model', 'vehicle_year', 'product', 'status'],
    'drivers'
) }}
