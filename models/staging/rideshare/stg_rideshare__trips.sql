with

trips as (
    select * from {{ ref('base_rideshare__trips') }}
)

select
    trip_id,
    rider_id,
    driver_id,
    city_id,
    product,
    status,
    requested_at,
    started_at,
    ended_at,
    distance_km,
    surge_multiplier,
    fare_amount,
    currency,
    updated_at,
    _batch,
    build_id
from trips
where disposition = 'kept'
