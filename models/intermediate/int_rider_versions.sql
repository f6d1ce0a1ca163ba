-- SCD2 history of riders from every version in raw (rule 4; see macros/scd2.sql).
-- Incremental per rider; the post-hook drops riders left without a kept version.
{{ config(materialized='incremental', unique_key='rider_id', incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_keys_missing_from(ref('stg_rideshare__rider_versions'), 'rider_id') }}") }}
{#- dbt records refs when it parses a model, where is_incremental() is false:
    this one is read by the incremental branch only. #}
-- depends_on: {{ ref('base_rideshare__riders') }}
{{ scd2_history(
    ref('stg_rideshare__rider_versions'),
    'rider_id',
    'rider_version_key',
    ['first_name', 'last_name', 'email', 'phone', 'home_city_id', 'is_business'],
    'riders'
) }}
