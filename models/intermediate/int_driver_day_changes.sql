-- The change log of driver-days: one row per (driver, UTC day) whose
-- activity may have changed, stamped with the build that logged it. For
-- every trip int_trip_changes logged since this model's last build: each day
-- any raw version of the trip was requested or ended on, and each day any
-- version of its ratings and payments is dated, paired with every driver any
-- version of the trip names. Old versions count, so a day that lost its
-- events is logged too. int_driver_daily_activity and the ML features
-- rebuild the logged days (incremental_builds doc block).
{{ config(materialized='incremental', unique_key=['driver_id', 'activity_date'],
    incremental_strategy='delete+insert', on_schema_change='fail') }}
with

changed_trips as (
    select trip_id from {{ ref('int_trip_changes') }}
    {{ where_rebuilt_since_last_build() }}
),

trip_versions as (
    select
        trip_id,
        driver_id,
        requested_at,
        ended_at
    from {{ ref('base_rideshare__trips') }}
    where trip_id in (select changed_trips.trip_id from changed_trips) and driver_id is not null
),

trip_drivers as (
    select distinct
        trip_id,
        driver_id
    from trip_versions
),

rating_days as (
    select
        trip_drivers.driver_id,
        cast(ratings.rated_at as date) as activity_date
    from {{ ref('base_rideshare__ratings') }} as ratings
    inner join trip_drivers on ratings.trip_id = trip_drivers.trip_id
    where ratings.rated_at is not null
),

payment_days as (
    select
        trip_drivers.driver_id,
        cast(payments.created_at as date) as activity_date
    from {{ ref('base_rideshare__payments') }} as payments
    inner join trip_drivers on payments.trip_id = trip_drivers.trip_id
    where payments.created_at is not null
),

days as (
    select
        driver_id,
        cast(requested_at as date) as activity_date
    from trip_versions
    where requested_at is not null
    union
    select
        driver_id,
        cast(ended_at as date) as activity_date
    from trip_versions
    where ended_at is not null
    union
    select * from rating_days
    union
    select * from payment_days
)

select
    driver_id,
    activity_date,
    {{ current_build_id() }} as build_id
from days
