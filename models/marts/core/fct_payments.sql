-- depends_on: {{ ref('stg_rideshare__payments') }}
-- One row per payment of a warehouse trip (failed ones included, with zero
-- net contribution), in local currency and USD at the payment month's rate.
-- Incremental: a build recomputes the payments loaded since the last build
-- and the payments of trips loaded since then (a trip arriving late makes its
-- payments valid); the post-hook, as in int_payments_converted_to_usd, drops
-- payments that went to quarantine or whose trip left the warehouse.
{{ config(
    materialized='incremental',
    unique_key='payment_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_payments_no_longer_valid() }}"
) }}
-- depends_on: {{ ref('base_rideshare__payments') }}
-- depends_on: {{ ref('int_payments_checked') }}

with

{% if is_incremental() -%}
    touched as (
        {{ payments_touched_since_last_build() }}
    ),

{% endif -%}
payments as (
    select * from {{ ref('int_payments_converted_to_usd') }}
    {{ where_touched('payment_id') }}
)

select
    cast(payment_id as bigint) as payment_id,
    cast(trip_id as bigint) as trip_id,
    cast(method as varchar) as method,
    cast(status as varchar) as status,
    cast(amount_local as decimal(12, 2)) as amount_local,
    cast(tip_local as decimal(12, 2)) as tip_local,
    cast(currency as varchar) as currency,
    cast(rate_month as date) as rate_month,
    cast(usd_per_unit as decimal(18, 8)) as usd_per_unit,
    cast(amount_usd as decimal(14, 2)) as amount_usd,
    cast(tip_usd as decimal(14, 2)) as tip_usd,
    cast(net_amount_local as decimal(14, 2)) as net_amount_local,
    cast(net_amount_usd as decimal(14, 2)) as net_amount_usd,
    cast(created_at as timestamp) as created_at,
    cast(updated_at as timestamp) as source_updated_at,
    cast({{ raw_watermark() }} as timestamp) as loaded_through
from payments
