-- The stars each side gave, one row per warehouse trip (null when that side
-- did not rate).
-- Incremental: a build deletes and rewrites the trips int_trip_changes logged
-- since its last one.
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
trips as (
    select * from {{ ref('int_trip_references') }}
    {{ where_touched('trip_id') }}
),

ratings as (
    select * from {{ ref('int_ratings_checked') }}
    {{ where_touched('trip_id') }}
)

select
    trips.trip_id,
    max(case when ratings.rated_by = 'rider' then ratings.stars end) as rider_stars,
    max(case when ratings.rated_by = 'driver' then ratings.stars end) as driver_stars,
    {{ current_build_id() }} as build_id
from trips
left join ratings on trips.trip_id = ratings.trip_id and ratings.rejection_rule is null
where trips.is_in_warehouse
group by trips.trip_id
