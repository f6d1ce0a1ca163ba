with

drivers as (
    select * from {{ ref('base_rideshare__drivers') }}
)

select
    driver_id,
    updated_at,
    first_name,
    last_name,
    email,
    phone,
    city_id,
    vehicle_make,
    vehicle_model,
    vehicle_year,
    product,
    status,
    signed_up_at,
    _batch,
    build_id
from drivers
where disposition = 'kept'
