-- Net revenue and tips per warehouse trip: captured minus refunded, failed
-- excluded (rule 5); zero for a trip without a valid payment.
-- Incremental: a build rewrites the trips with a raw row loaded since the last
-- one and every trip any version of a newly loaded payment names; the
-- post-hook drops trips whose newest version went to quarantine.
{{ config(materialized='incremental', unique_key='trip_id', incremental_strategy='delete+insert',
    on_schema_change='fail', post_hook="{{ delete_quarantined_keys('base_rideshare__trips', ['trip_id']) }}") }}
-- depends_on: {{ ref('base_rideshare__trips') }}
with

{% if is_incremental() -%}
    touched as (
        {{ raw_keys_loaded_since_last_build('trips', 'trip_id') }}
        union
        {{ trips_of_payments_loaded_since_last_build() }}
    ),

{% endif -%}
trips as (
    select * from {{ ref('int_trip_references') }}
    {{ where_touched('trip_id') }}
),

payments as (
    select * from {{ ref('int_payments_converted_to_usd') }}
    {{ where_touched('trip_id') }}
)

select
    trips.trip_id,
    cast(coalesce(sum(payments.net_amount_local), 0) as decimal(14, 2)) as net_revenue_local,
    cast(coalesce(sum(payments.net_amount_usd), 0) as decimal(14, 2)) as net_revenue_usd,
    cast(coalesce(sum(payments.net_tip_local), 0) as decimal(14, 2)) as tip_local,
    cast(coalesce(sum(payments.net_tip_usd), 0) as decimal(14, 2)) as tip_usd,
    count(payments.payment_id) as payment_count,
    cast({{ raw_watermark() }} as timestamp) as loaded_through
from trips
left join payments on trips.trip_id = payments.trip_id
where trips.is_in_warehouse
group by trips.trip_id
