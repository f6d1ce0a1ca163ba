-- depends_on: {{ ref('stg_rideshare__payments') }}
-- One row per payment of a warehouse trip (failed ones included, with zero
-- net contribution), in local currency and USD at the payment month's rate.
-- Incremental: a build recomputes the payments loaded since the last build
-- and the payments of trips loaded since then (a trip arriving late makes its
-- payments valid; a trip sent to quarantine takes them out, via the post-hook).
{{ config(
    materialized='incremental',
    unique_key='payment_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="delete from {{ this }} as fact where not exists
        (select 1 from {{ ref('int_payments_converted_to_usd') }} as kept where kept.payment_id = fact.payment_id)"
) }}

with

{% if is_incremental() -%}
    affected as (
        {{ raw_keys_loaded_since_last_build('payments', 'payment_id') }}
        union
        select payment_id from {{ ref('stg_rideshare__payments') }}
        where trip_id in ({{ raw_keys_loaded_since_last_build('trips', 'trip_id') }})
    ),

{% endif -%}
payments as (
    select * from {{ ref('int_payments_converted_to_usd') }}
    {% if is_incremental() -%}
        where payment_id in (select affected.payment_id from affected)
    {%- endif %}
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
