-- Every trip id the trips exports ever carried, and whether the trip made it
-- into the warehouse, with what payments and ratings are checked against: its
-- status, request time and currency (its city's; the trip's own when the city
-- is unknown).
-- Incremental: a build deletes and rewrites the trips base_rideshare__trips
-- rewrote since its last one.
{{ config(materialized='incremental', unique_key='trip_id', incremental_strategy='delete+insert',
    on_schema_change='fail', pre_hook="{{ delete_changed(['trip_id'], keys_rebuilt_since_last_build('trips', 'trip_id')) }}") }}
with

{% if is_incremental() -%}
    touched as (
        {{ keys_rebuilt_since_last_build('trips', 'trip_id') }}
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

cities as (
    select * from {{ ref('stg_rideshare__cities') }}
),

seen as (
    select distinct trip_id
    from raw_trips
    where trip_id is not null
)

select
    seen.trip_id,
    kept_trips.trip_id is not null as is_in_warehouse,
    kept_trips.status as trip_status,
    kept_trips.requested_at as trip_requested_at,
    coalesce(cities.currency, kept_trips.currency) as trip_currency,
    {{ current_build_id() }} as build_id
from seen
left join kept_trips on seen.trip_id = kept_trips.trip_id
left join cities on kept_trips.city_id = cities.city_id
