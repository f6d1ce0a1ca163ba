-- Net revenue and tips in fct_trips add up to the payments in fct_payments,
-- per trip; failed payments contribute nothing (rule 5). Checks the trips
-- the latest build wrote (all of them on a full refresh): a payment change
-- rewrites its trip.
with

trips as (
    select * from {{ ref('fct_trips') }}
    where {{ written_by_latest_build(ref('fct_trips')) }}
),

payments as (
    select * from {{ ref('fct_payments') }}
    where trip_id in (select trips.trip_id from trips)
),

payment_totals as (
    select
        trip_id,
        sum(net_amount_usd) as net_revenue_usd,
        sum(case when status = 'captured' then tip_usd when status = 'refunded' then -tip_usd else 0 end) as tip_usd,
        sum(case when status = 'failed' then net_amount_usd else 0 end) as failed_contribution
    from payments
    group by trip_id
)

select
    trips.trip_id,
    trips.net_revenue_usd,
    payment_totals.net_revenue_usd as payments_net_revenue_usd
from trips
left join payment_totals on trips.trip_id = payment_totals.trip_id
where
    trips.net_revenue_usd <> coalesce(payment_totals.net_revenue_usd, 0)
    or trips.tip_usd <> coalesce(payment_totals.tip_usd, 0)
    or coalesce(payment_totals.failed_contribution, 0) <> 0
