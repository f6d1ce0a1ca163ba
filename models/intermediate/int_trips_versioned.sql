-- Each trip with the driver and rider versions valid when it was requested
-- (point in time, rule 4), the city it maps to and its local request time
-- (rule 6); ids that match no version point at the unknown member '-1'
-- (rule 3).
-- Incremental: a build deletes and rewrites the trips base_rideshare__trips
-- rewrote since its last one and the trips of a driver, rider or city with a
-- version rewritten since (a trip whose newest version went to quarantine is
-- not rewritten).
{{ config(materialized='incremental', unique_key='trip_id', incremental_strategy='delete+insert',
    on_schema_change='fail', pre_hook="{{ delete_changed(['trip_id'], trips_rewritten_or_reversioned_since_last_build()) }}") }}
{#- dbt records refs when it parses a model, where is_incremental() is false:
    these are read by the incremental branch and the pre-hook only. #}
-- depends_on: {{ ref('base_rideshare__trips') }}
-- depends_on: {{ ref('base_rideshare__drivers') }}
-- depends_on: {{ ref('base_rideshare__riders') }}
-- depends_on: {{ ref('base_rideshare__cities') }}
with

{% if is_incremental() -%}
    touched as (
        {{ trips_rewritten_or_reversioned_since_last_build() }}
    ),

{% endif -%}
trips as (
    select * from {{ ref('stg_rideshare__trips') }}
    {{ where_touched('trip_id') }}
),

driver_versions as (
    select * from {{ ref('int_driver_versions') }}
),

rider_versions as (
    select * from {{ ref('int_rider_versions') }}
),

cities as (
    select * from {{ ref('stg_rideshare__cities') }}
)

select
    trips.trip_id,
    trips.driver_id,
    trips.rider_id,
    trips.city_id,
    coalesce(driver_versions.driver_version_key, '-1') as driver_version_key,
    coalesce(rider_versions.rider_version_key, '-1') as rider_version_key,
    coalesce(cities.city_id, -1) as city_key,
    trips.product,
    trips.status,
    trips.requested_at,
    -- unknown city: no timezone, so local time falls back to UTC
    {{ utc_to_local('trips.requested_at', "coalesce(cities.timezone, 'UTC')") }} as requested_at_local,
    trips.started_at,
    trips.ended_at,
    trips.distance_km,
    trips.surge_multiplier,
    trips.fare_amount,
    trips.currency,
    trips.updated_at,
    {{ current_build_id() }} as build_id
from trips
left join driver_versions
    on
        trips.driver_id = driver_versions.driver_id
        and trips.requested_at >= driver_versions.valid_from
        and (driver_versions.valid_to is null or trips.requested_at < driver_versions.valid_to)
left join rider_versions
    on
        trips.rider_id = rider_versions.rider_id
        and trips.requested_at >= rider_versions.valid_from
        and (rider_versions.valid_to is null or trips.requested_at < rider_versions.valid_to)
left join cities on trips.city_id = cities.city_id
