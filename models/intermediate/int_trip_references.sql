-- Every trip id the trips exports ever carried, and whether the trip made it
-- into the warehouse: payments and ratings are checked against this.
with

raw_trips as (
    select * from {{ ref('base_rideshare__trips') }}
),

kept_trips as (
    select * from {{ ref('stg_rideshare__trips') }}
),

seen as (
    select distinct trip_id
    from raw_trips
    where trip_id is not null
)

select
    seen.trip_id,
    kept_trips.trip_id is not null as is_in_warehouse
from seen
left join kept_trips on seen.trip_id = kept_trips.trip_id
