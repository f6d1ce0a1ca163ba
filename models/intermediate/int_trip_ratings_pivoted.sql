-- One row per rated trip with the stars each side gave.
with

ratings as (
    select * from {{ ref('int_ratings_checked') }}
)

select
    trip_id,
    max(case when rated_by = 'rider' then stars end) as rider_stars,
    max(case when rated_by = 'driver' then stars end) as driver_stars
from ratings
where rejection_rule is null
group by trip_id
