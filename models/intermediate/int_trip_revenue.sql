-- Net revenue and tips per warehouse trip: captured minus refunded, failed
-- excluded (rule 5); zero for a trip without a valid payment.
-- Incremental: a build deletes and rewrites the trips int_trip_changes logged
-- since its last one.
{{ config(materialized='incremental', unique_key='trip_id', incremental_strategy='delete+insert',
    on_schema_change='fail', pre_hook="{{ delete_changed(['trip_id'], trips_changed_since_last_build()) }}") }}
{#- dbt records refs when it parses a model, where is_incremental() is false:
    this one is read by the incremental branch and the pre-hook only. #}
-- depends_on: {{ ref('int_trip_changes') }}
with

{% if is_incremental() -%}
    touched as (
        {{ trips_changed_since_last_build() }}
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
    {{ current_build_id() }} as build_id
from trips
left join payments on trips.trip_id = payments.trip_id
where trips.is_in_warehouse
group by trips.trip_id
