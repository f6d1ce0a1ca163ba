-- Latest valid ratings with the cross-table rule applied: a rating must
-- belong to a trip that is in the warehouse (rule 2).
with

ratings as (
    select * from {{ ref('stg_rideshare__ratings') }}
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
    {{ trip_reference_rule('trip_references') }} as rejection_rule
from ratings
left join trip_references on ratings.trip_id = trip_references.trip_id
