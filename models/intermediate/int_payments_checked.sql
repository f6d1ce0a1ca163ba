-- Latest valid payment versions with the cross-table rule applied: a payment
-- must belong to a trip that is in the warehouse (rule 2).
with

payments as (
    select * from {{ ref('stg_rideshare__payments') }}
),

trip_references as (
    select * from {{ ref('int_trip_references') }}
)

select
    payments.payment_id,
    payments.trip_id,
    payments.method,
    payments.status,
    payments.amount,
    payments.tip_amount,
    payments.currency,
    payments.created_at,
    payments.updated_at,
    payments._batch,
    {{ trip_reference_rule('trip_references') }} as rejection_rule
from payments
left join trip_references on payments.trip_id = trip_references.trip_id
