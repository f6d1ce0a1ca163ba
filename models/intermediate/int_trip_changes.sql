-- The change log of trips: one row per trip id whose facts may have changed,
-- stamped with the build that logged it. Every trip-level model (and the
-- payment and rating models keyed by trip) reads the rows logged after its
-- own newest stamp, deletes those trips and rebuilds them: see the
-- incremental_builds doc block. A trip changes when a build rewrote its raw
-- versions, any version of one of its payments (a payment can move between
-- trips, so both trips change) or its ratings. (A new driver, rider or city
-- version changes the trips int_trips_versioned joins it to; that model
-- finds them itself.) A full build logs every trip id any export named.
{{ config(materialized='incremental', unique_key='trip_id', incremental_strategy='delete+insert',
    on_schema_change='fail') }}
with

changed_trips as (
    select trip_id from {{ ref('base_rideshare__trips') }}
    {{ where_rebuilt_since_last_build() }}
),

changed_payments as (
    select payment_id from {{ ref('base_rideshare__payments') }}
    {{ where_rebuilt_since_last_build() }}
),

trips_of_changed_payments as (
    -- every version of a changed payment: the trip it left changes too
    select trip_id from {{ ref('base_rideshare__payments') }}
    where payment_id in (select changed_payments.payment_id from changed_payments)
),

changed_ratings as (
    select trip_id from {{ ref('base_rideshare__ratings') }}
    {{ where_rebuilt_since_last_build() }}
),

unioned as (
    select trip_id from changed_trips
    union
    select trip_id from trips_of_changed_payments
    union
    select trip_id from changed_ratings
)

select
    trip_id,
    {{ current_build_id() }} as build_id
from unioned
where trip_id is not null
