with

payments as (
    select * from {{ ref('base_rideshare__payments') }}
)

select
    payment_id,
    trip_id,
    method,
    status,
    amount,
    tip_amount,
    currency,
    created_at,
    updated_at,
    _batch,
    build_id
from payments
where disposition = 'kept'
