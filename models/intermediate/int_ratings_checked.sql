-- Latest valid ratings with the cross-table rules applied, first rule broken
-- wins: a rating must belong to a trip that is in the warehouse (rule 2), only
-- completed trips are rated and no rating is before its trip's request
-- (rule 8).
-- Incremental: a build rewrites the ratings of trips with a raw trip or rating
-- row loaded since the last one; the post-hook drops ratings whose newest
-- version is quarantined.
{{ config(materialized='incremental', unique_key='trip_id', incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_quarantined_keys('base_rideshare__ratings', ['trip_id', 'rated_by']) }}") }}
-- depends_on: {{ ref('base_rideshare__ratings') }}
with

{% if is_incremental() -%}
    touched as (
        {{ raw_keys_loaded_since_last_build('ratings', 'trip_id') }}
        union
        {{ raw_keys_loaded_since_last_build('trips', 'trip_id') }}
    ),

{% endif -%}
ratings as (
    select * from {{ ref('stg_rideshare__ratings') }}
    {{ where_touched('trip_id') }}
),

trip_references as (
    select * from {{ ref('int_trip_references') }}
)

select
    ratings.trip_id,
    ratings.rated_by,
    ratings.stars,
    ratings.rated_at,
    ratings.updated_at,
    ratings._batch,
    coalesce(
        {{ trip_reference_rule('trip_references') }},
        case
            when trip_references.trip_status <> 'completed' then 'rating_for_cancelled_trip'
            when ratings.rated_at < trip_references.trip_requested_at then 'before_trip_request'
        end
    ) as rejection_rule,
    cast({{ raw_watermark() }} as timestamp) as loaded_through
from ratings
left join trip_references on ratings.trip_id = trip_references.trip_id
