-- Payments that belong to a warehouse trip, in US dollars at the rate of the
-- payment's month (UTC month of created_at), with each payment's signed
-- contribution to revenue: captured +, refunded -, failed 0 (rule 5).
-- Incremental like int_payments_checked; the post-hook drops payments that
-- went to quarantine or whose trip left the warehouse.
{{ config(materialized='incremental', unique_key='payment_id', incremental_strategy='delete+insert',
    on_schema_change='fail', post_hook="{{ delete_payments_no_longer_valid() }}") }}
-- depends_on: {{ ref('base_rideshare__payments') }}
-- depends_on: {{ ref('stg_rideshare__payments') }}
with

{% if is_incremental() -%}
    touched as (
        {{ payments_touched_since_last_build() }}
    ),

{% endif -%}
payments as (
    select * from {{ ref('int_payments_checked') }}
    {{ where_touched('payment_id') }}
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
        cast({{ raw_watermark() }} as timestamp) as loaded_through
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
