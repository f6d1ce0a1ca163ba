-- Payments that belong to a warehouse trip, in US dollars at the rate of the
-- payment's month (UTC month of created_at), with each payment's signed
-- contribution to revenue: captured +, refunded -, failed 0 (rule 5).
-- Incremental: a build deletes and rewrites the payments of the trips
-- int_trip_changes logged since its last one (every trip any version of a
-- changed payment named is logged, so a payment that moved or left goes).
{{ config(materialized='incremental', unique_key='payment_id', incremental_strategy='delete+insert',
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
payments as (
    select * from {{ ref('int_payments_checked') }}
    {{ where_touched('trip_id') }}
),

rates as (
    select * from {{ ref('stg_reference__exchange_rates') }}
),

valid_payments as (
    select *
    from payments
    where rejection_rule is null
),

converted as (
    select
        valid_payments.payment_id,
        valid_payments.trip_id,
        valid_payments.method,
        valid_payments.status,
        valid_payments.amount as amount_local,
        valid_payments.tip_amount as tip_local,
        valid_payments.currency,
        valid_payments.created_at,
        valid_payments.updated_at,
        cast(date_trunc('month', valid_payments.created_at) as date) as rate_month,
        rates.usd_per_unit,
        cast(round(valid_payments.amount * rates.usd_per_unit, 2) as decimal(14, 2)) as amount_usd,
        cast(round(valid_payments.tip_amount * rates.usd_per_unit, 2) as decimal(14, 2)) as tip_usd,
        case valid_payments.status
            when 'captured' then 1
            when 'refunded' then -1
            else 0
        end as revenue_sign,
        {{ current_build_id() }} as build_id
    from valid_payments
    left join rates
        on
            valid_payments.currency = rates.currency
            and cast(date_trunc('month', valid_payments.created_at) as date) = rates.rate_month
)

select
    *,
    cast(revenue_sign * amount_local as decimal(14, 2)) as net_amount_local,
    cast(revenue_sign * amount_usd as decimal(14, 2)) as net_amount_usd,
    cast(revenue_sign * tip_local as decimal(14, 2)) as net_tip_local,
    cast(revenue_sign * tip_usd as decimal(14, 2)) as net_tip_usd
from converted
