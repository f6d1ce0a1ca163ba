with

riders as (
    select * from {{ ref('base_rideshare__riders') }}
)

select
    rider_id,
    updated_at,
    first_name,
    last_name,
    email,
    phone,
    home_city_id,
    is_business_text = 'true' as is_business,
    signed_up_at,
    _batch,
    build_id
from riders
where disposition = 'kept'
