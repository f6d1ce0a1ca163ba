-- The stars each side gave, one row per warehouse trip (null when that side
-- did not rate).
-- Incremental: a build rewrites the trips with a raw trip or rating row loaded
-- since the last one; the post-hook drops trips whose newest version went to
-- quarantine.
{{ config(materialized='incremental', unique_key='trip_id', incremental_strategy='delete+insert',
    on_schema_change='fail', post_hook="{{ delete_quarantined_keys('base_rideshare__trips', ['trip_id']) }}") }}
-- depends_on: {{ ref('base_rideshare__trips') }}
with

{% if is_incremental() -%}
    touched as (
        {{ raw_keys_loaded_since_last_build('trips', 'trip_id') }}
        union
        {{ raw_keys_loaded_since_last_build('ratings', 'trip_id') }}
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
    cast({{ raw_watermark() }} as timestamp) as loaded_through
from trips
left join ratings on trips.trip_id = ratings.trip_id and ratings.rejection_rule is null
where trips.is_in_warehouse
group by trips.trip_id
