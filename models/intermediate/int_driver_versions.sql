-- SCD2 history of drivers from every version in raw (rule 4; see macros/scd2.sql).
-- Incremental per driver; the post-hook drops drivers left without a kept version.
{{ config(materialized='incremental', unique_key='driver_id', incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_keys_missing_from(ref('stg_rideshare__driver_versions'), 'driver_id') }}") }}
{#- dbt records refs when it parses a model, where is_incremental() is false:
    this one is read by the incremental branch only. #}
-- depends_on: {{ ref('base_rideshare__drivers') }}
{{ scd2_history(
    ref('stg_rideshare__driver_versions'),
    'driver_id',
    'driver_version_key',
    ['first_name', 'last_name', 'email', 'phone', 'city_id', 'vehicle_make',
     'vehicle_model', 'vehicle_year', 'product', 'status'],
    'drivers'
) }}
