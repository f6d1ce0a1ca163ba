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
),

localized as (
    select
        *,
        -- unknown city: no timezone, so local time falls back to UTC
        {{ utc_to_local('requested_at', "coalesce(timezone, 'UTC')") }} as requested_at_local
    from trips
)

select
    cast(localized.trip_id as bigint) as trip_id,
    cast(localized.driver_id as bigint) as driver_id,
    cast(localized.rider_id as bigint) as rider_id,
    cast(localized.city_id as bigint) as city_id,
    cast(localized.city_key as bigint) as city_key,
    cast(localized.driver_version_key as {{ string_type() }}) as driver_version_key,
    cast(localized.rider_version_key as {{ string_type() }}) as rider_version_key,
    cast(localized.product as {{ string_type() }}) as product,
    cast(localized.status as {{ string_type() }}) as status,
    localized.status = 'completed' as is_completed,
    cast(localized.requested_at as timestamp) as requested_at,
    cast(localized.started_at as timestamp) as started_at,
    cast(localized.ended_at as timestamp) as ended_at,
    cast(localized.requested_at_local as date) as local_date,
    cast(extract(hour from localized.requested_at_local) as integer) as local_hour,
    cast(localized.distance_km as decimal(10, 3)) as distance_km,
    -- the cast keeps the type modifier, which PostgreSQL drops from a case
    cast(
        case
            when localized.status = 'completed'
                then {{ minutes_between('localized.started_at', 'localized.ended_at') }}
        end as decimal(18, 2)
    ) as duration_min,
    {{ minutes_between('localized.requested_at', 'localized.started_at') }} as wait_min,
    cast(localized.surge_multiplier as decimal(4, 2)) as surge_multiplier,
    cast(localized.fare_amount as decimal(12, 2)) as fare_local,
    cast(localized.currency as {{ string_type() }}) as currency,
    cast(coalesce(revenue.net_revenue_local, 0) as decimal(14, 2)) as net_revenue_local,
    cast(coalesce(revenue.net_revenue_usd, 0) as decimal(14, 2)) as net_revenue_usd,
    cast(coalesce(revenue.tip_local, 0) as decimal(14, 2)) as tip_local,
    cast(coalesce(revenue.tip_usd, 0) as decimal(14, 2)) as tip_usd,
    cast(ratings.rider_stars as integer) as rider_stars,
    cast(ratings.driver_stars as integer) as driver_stars,
    cast(localized.updated_at as timestamp) as source_updated_at,
    {{ current_build_id() }} as build_id
from localized
left join revenue on localized.trip_id = revenue.trip_id
left join ratings on localized.trip_id = ratings.trip_id
