-- One row per trip in the warehouse: times, local date and hour, measures,
-- fare, net revenue and tips in local currency and USD, both sides' ratings.
-- Incremental: a build deletes and rewrites the trips int_trip_changes logged
-- since its last one and those int_trips_versioned rewrote since (new
-- driver, rider or city versions); a trip whose newest version went to
-- quarantine is not rewritten.
{{ config(
    materialized='incremental',
    unique_key='trip_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ delete_changed(['trip_id'], fact_trips_changed_since_last_build()) }}"
) }}
{#- dbt records refs when it parses a model, where is_incremental() is false:
    this one is read by the incremental branch and the pre-hook only. #}
-- depends_on: {{ ref('int_trip_changes') }}

with

{% if is_incremental() -%}
    touched as (
        {{ fact_trips_changed_since_last_build() }}
    ),

{% endif -%}
trips as (
    select * from {{ ref('int_trips_versioned') }}
    {{ where_touched('trip_id') }}
),

revenue as (
    select * from {{ ref('int_trip_revenue') }}
    {{ where_touched('trip_id') }}
),

ratings as (
    select * from {{ ref('int_trip_ratings_pivoted') }}
    {{ where_touched('trip_id') }}
)

select
    cast(trips.trip_id as bigint) as trip_id,
    cast(trips.driver_id as bigint) as driver_id,
    cast(trips.rider_id as bigint) as rider_id,
    cast(trips.city_id as bigint) as city_id,
    cast(trips.city_key as bigint) as city_key,
    cast(trips.driver_version_key as {{ string_type() }}) as driver_version_key,
    cast(trips.rider_version_key as {{ string_type() }}) as rider_version_key,
    cast(trips.product as {{ string_type() }}) as product,
    cast(trips.status as {{ string_type() }}) as status,
    trips.status = 'completed' as is_completed,
    cast(trips.requested_at as timestamp) as requested_at,
    cast(trips.started_at as timestamp) as started_at,
    cast(trips.ended_at as timestamp) as ended_at,
    cast(trips.requested_at_local as date) as local_date,
    cast(extract(hour from trips.requested_at_local) as integer) as local_hour,
    cast(trips.distance_km as decimal(10, 3)) as distance_km,
    -- the cast keeps the type modifier, which PostgreSQL drops from a case
    cast(
        case
            when trips.status = 'completed'
                then {{ minutes_between('trips.started_at', 'trips.ended_at') }}
        end as decimal(18, 2)
    ) as duration_min,
    {{ minutes_between('trips.requested_at', 'trips.started_at') }} as wait_min,
    cast(trips.surge_multiplier as decimal(4, 2)) as surge_multiplier,
    cast(trips.fare_amount as decimal(12, 2)) as fare_local,
    cast(trips.currency as {{ string_type() }}) as currency,
    cast(coalesce(revenue.net_revenue_local, 0) as decimal(14, 2)) as net_revenue_local,
    cast(coalesce(revenue.net_revenue_usd, 0) as decimal(14, 2)) as net_revenue_usd,
    cast(coalesce(revenue.tip_local, 0) as decimal(14, 2)) as tip_local,
    cast(coalesce(revenue.tip_usd, 0) as decimal(14, 2)) as tip_usd,
    cast(ratings.rider_stars as integer) as rider_stars,
    cast(ratings.driver_stars as integer) as driver_stars,
    cast(trips.updated_at as timestamp) as source_updated_at,
    {{ current_build_id() }} as build_id
from trips
left join revenue on trips.trip_id = revenue.trip_id
left join ratings on trips.trip_id = ratings.trip_id
