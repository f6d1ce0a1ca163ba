-- Latest valid ratings with the cross-table rules applied, first rule broken
-- wins: a rating must belong to a trip that is in the warehouse (rule 2), only
-- completed trips are rated and no rating is before its trip's request
-- (rule 8).
-- Incremental: a build deletes and rewrites the ratings of the trips
-- int_trip_changes logged since its last one.
{{ config(materialized='incremental', unique_key='trip_id', incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ delete_changed(['trip_id'], trips_changed_since_last_build()) }}") }}
{#- dbt records refs when it parses a model, where is_incremental() is false:
    this one is read by the incremental branch and the pre-hook only. #}
-- depends_on: {{ ref('int_trip_changes') }}
with

{% if is_incremental() -%}
    touched as (
        {{ trips_changed_since_last_build() }}
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
    {{ current_build_id() }} as build_id
from ratings
left join trip_references on ratings.trip_id = trip_references.trip_id
