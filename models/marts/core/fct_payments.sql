-- One row per payment of a warehouse trip (failed ones included, with zero
-- net contribution), in local currency and USD at the payment month's rate.
-- Incremental: a build deletes and rewrites the payments of the trips
-- int_trip_changes logged since its last one, as int_payments_converted_to_usd.
{{ config(
    materialized='incremental',
    unique_key='payment_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ delete_changed(['trip_id'], trips_changed_since_last_build()) }}"
) }}
{#- dbt records refs when it parses a model, where is_incremental() is false:
    this one is read by the incremental branch and the pre-hook only. #}
-- depends_on: {{ ref('int_trip_changes') }}

with

{% if is_incremental() -%}
    touched as (
        {{ trips_changed_since_last_build() }}
    ),

{% endif -%}
payments as (
    select * from {{ ref('int_payments_converted_to_usd') }}
    {{ where_touched('trip_id') }}
)

select
    cast(payment_id as bigint) as payment_id,
    cast(trip_id as bigint) as trip_id,
    cast(method as {{ string_type() }}) as method,
    cast(status as {{ string_type() }}) as status,
    cast(amount_local as decimal(12, 2)) as amount_local,
    cast(tip_local as decimal(12, 2)) as tip_local,
    cast(currency as {{ string_type() }}) as currency,
    cast(rate_month as date) as rate_month,
    cast(usd_per_unit as decimal(18, 8)) as usd_per_unit,
    cast(amount_usd as decimal(14, 2)) as amount_usd,
    cast(tip_usd as decimal(14, 2)) as tip_usd,
    cast(net_amount_local as decimal(14, 2)) as net_amount_local,
    cast(net_amount_usd as decimal(14, 2)) as net_amount_usd,
    cast(created_at as timestamp) as created_at,
    cast(updated_at as timestamp) as source_updated_at,
    {{ current_build_id() }} as build_id
from payments
