-- Each trip with the driver and rider versions valid when it was requested
-- (point in time, rule 4) and the city it maps to; ids that match no version
-- point at the unknown member '-1' (rule 3).
-- Incremental: a build rewrites the trips with a raw row loaded since the last
-- one and every trip of a driver, rider or city with a new version; the
-- post-hook drops trips whose newest version went to quarantine.
{{ config(materialized='incremental', unique_key='trip_id', incremental_strategy='delete+insert',
    on_schema_change='fail', post_hook="{{ delete_quarantined_keys('base_rideshare__trips', ['trip_id']) }}") }}
-- depends_on: {{ ref('base_rideshare__trips') }}
with

{% if is_incremental() -%}
    touched as (
        {{ raw_keys_loaded_since_last_build('trips', 'trip_id') }}
        union
        {{ trips_of_dimensions_loaded_since_last_build() }}
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
    cities.timezone,
    trips.product,
    trips.status,
    trips.requested_at,
    trips.started_at,
    trips.ended_at,
    trips.distance_km,
    trips.surge_multiplier,
    trips.fare_amount,
    trips.currency,
    trips.updated_at,
    cast({{ raw_watermark() }} as timestamp) as loaded_through
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
