with

cities as (
    select * from {{ ref('base_rideshare__cities') }}
)

select
    city_id,
    city_name,
    country_code,
    currency,
    timezone,
    launched_on,
    updated_at,
    _batch,
    build_id
from cities
where disposition = 'kept'
