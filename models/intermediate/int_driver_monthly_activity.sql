-- Each driver's trips per local calendar month, with the city of most of
-- them (ties to the lower city key): the figures mart_driver_monthly ranks.
-- It reads the trips, revenue and ratings fct_trips is built from, so both
-- agree trip for trip.
-- Incremental: a build deletes and rewrites the driver-months whose trips
-- fct_trips rewrote or deleted since its last one, so the mart's ranking
-- reads a table of driver-months rather than every trip.
{{ config(
    materialized='incremental',
    unique_key=['driver_id', 'month'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ delete_changed(['driver_id', 'month'], driver_months_changed_since_last_build()) }}"
) }}
{#- dbt records refs when it parses a model, where is_incremental() is false:
    these are read by the pre-hook only. #}
-- depends_on: {{ ref('base_rideshare__trips') }}
-- depends_on: {{ ref('int_trip_changes') }}
{%- set request_month = "cast(date_trunc('month', requested_at_local) as date)" %}

with

{% if is_incremental() -%}
    touched as (
        {{ driver_months_changed_since_last_build() }}
    ),

{% endif -%}
trips as (
    select
        trip_id,
        driver_id,
        {{ request_month }} as month,
        city_key,
        status
    from {{ ref('int_trips_versioned') }}
    where true {{ and_driver_day_touched('driver_id', request_month, 'month') }}
),

revenue as (
    select * from {{ ref('int_trip_revenue') }}
),

ratings as (
    select * from {{ ref('int_trip_ratings_pivoted') }}
),

trip_figures as (
    select
        trips.driver_id,
        trips.month,
        trips.city_key,
        trips.status,
        -- as fct_trips: a trip without a revenue row earned nothing (the
        -- cast keeps two decimals on PostgreSQL, whose numeric 0 has none)
        coalesce(revenue.net_revenue_usd, cast(0 as decimal(14, 2))) as net_revenue_usd,
        ratings.rider_stars
    from trips
    left join revenue on trips.trip_id = revenue.trip_id
    left join ratings on trips.trip_id = ratings.trip_id
),

per_city as (
    select
        driver_id,
        month,
        city_key,
        count(*) as trips
    from trip_figures
    group by driver_id, month, city_key
),

main_city as (
    select
        driver_id,
        month,
        city_key,
        row_number() over (partition by driver_id, month order by trips desc, city_key asc) as city_order
    from per_city
),

monthly as (
    select
        driver_id,
        month,
        count(*) as trips,
        sum(case when status = 'completed' then 1 else 0 end) as completed_trips,
        sum(case when status = 'cancelled_by_driver' then 1 else 0 end) as cancelled_by_driver_trips,
        sum(net_revenue_usd) as net_revenue_usd,
        avg(rider_stars) as avg_rider_stars,
        count(rider_stars) as ratings_received
    from trip_figures
    group by driver_id, month
)

select
    monthly.driver_id,
    monthly.month,
    main_city.city_key,
    monthly.trips,
    monthly.completed_trips,
    monthly.cancelled_by_driver_trips,
    monthly.net_revenue_usd,
    monthly.avg_rider_stars,
    monthly.ratings_received,
    {{ current_build_id() }} as build_id
from monthly
inner join main_city
    on
        monthly.driver_id = main_city.driver_id
        and monthly.month = main_city.month
        and main_city.city_order = 1
