-- Every trip id the trips exports ever carried, and whether the trip made it
-- into the warehouse: payments and ratings are checked against this.
-- Incremental: a build rewrites the trips int_trip_changes logged since its last one.
{{ config(materialized='incremental', unique_key='trip_id', incremental_strategy='delete+insert',
    on_schema_change='fail', pre_hook="{{ delete_changed(['trip_id'], trips_changed_since_last_build()) }}") }}
{#- dbt records refs when it parses a model, where is_incremental() is false:
    this one is read by the incremental branch and the pre-hook only. #}
-- depends_on: {{ ref('int_trip_changes') }}
with

{% if is_incremental() -%}
    touched as (
        {{ trips_changed_since_last_build() }}
    ),

{% endif -%}
raw_trips as (
    select * from {{ ref('base_rideshare__trips') }}
    {{ where_touched('trip_id') }}
),

kept_trips as (
    select * from {{ ref('stg_rideshare__trips') }}
    {{ where_touched('trip_id') }}
),

seen as (
    select distinct trip_id
    from raw_trips
    where trip_id is not null
)

select
    seen.trip_id,
    kept_trips.trip_id is not null as is_in_warehouse,
    {{ current_build_id() }} as build_id
from seen
left join kept_trips on seen.trip_id = kept_trips.trip_id
