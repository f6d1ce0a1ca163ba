-- Net revenue and tips per trip: captured minus refunded, failed excluded (rule 5).
with

payments as (
    select * from {{ ref('int_payments_converted_to_usd') }}
)

select
    trip_id,
    cast(sum(net_amount_local) as decimal(14, 2)) as net_revenue_local,
    cast(sum(net_amount_usd) as decimal(14, 2)) as net_revenue_usd,
    cast(sum(net_tip_local) as decimal(14, 2)) as tip_local,
    cast(sum(net_tip_usd) as decimal(14, 2)) as tip_usd,
    count(*) as payment_count
from payments
group by trip_id
