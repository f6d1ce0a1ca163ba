-- Rule 4: every known driver and rider version key on a trip is the version
-- whose [valid_from, valid_to) interval contains the trip's requested_at.
-- Checks the trips the latest build wrote (all of them on a full refresh).
with

trips as (
    select * from {{ ref('fct_trips') }}
    where {{ written_by_latest_build(ref('fct_trips')) }}
),

drivers as (
    select * from {{ ref('dim_drivers') }}
),

riders as (
    select * from {{ ref('dim_riders') }}
)

select trips.trip_id
from trips
inner join drivers on trips.driver_version_key = drivers.driver_version_key
where
    trips.driver_version_key <> '-1'
    and (
        trips.driver_id <> drivers.driver_id
        or trips.requested_at < drivers.valid_from
        or trips.requested_at >= coalesce(drivers.valid_to, cast('{{ var("scd_end_of_time") }}' as timestamp))
    )
union all
select trips.trip_id
from trips
inner join riders on trips.rider_version_key = riders.rider_version_key
where
    trips.rider_version_key <> '-1'
    and (
        trips.rider_id <> riders.rider_id
        or trips.requested_at < riders.valid_from
        or trips.requested_at >= coalesce(riders.valid_to, cast('{{ var("scd_end_of_time") }}' as timestamp))
    )
