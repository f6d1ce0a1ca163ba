-- Latest valid payment versions with the cross-table rules applied, first
-- rule broken wins: the payment's trip must be in the warehouse (rule 2), it
-- is not created before its trip's request (rule 8), its currency and month
-- have an exchange rate (rule 2), its currency is its trip's (rule 5), and a
-- trip's refunds never exceed what was captured for it (rule 5).
-- Incremental: a build deletes and rewrites the payments with a raw row it has
-- not seen and every payment of the trips int_trip_changes logged since its
-- last one (that log names every trip any version of a changed payment
-- names, so a refund is re-checked with all of its trip's payments).
{{ config(materialized='incremental', unique_key='payment_id', incremental_strategy='delete+insert',
    on_schema_change='fail', pre_hook="{{ delete_changed(['payment_id'], payments_changed_since_last_build()) }}") }}
{#- dbt records refs when it parses a model, where is_incremental() is false:
    these are read by the incremental branch and the pre-hook only. #}
-- depends_on: {{ ref('base_rideshare__payments') }}
-- depends_on: {{ ref('int_trip_changes') }}
with

{% if is_incremental() -%}
    touched as (
        {{ payments_changed_since_last_build() }}
    ),

{% endif -%}
payments as (
    select * from {{ ref('stg_rideshare__payments') }}
    {{ where_touched('payment_id') }}
),

trip_references as (
    select * from {{ ref('int_trip_references') }}
),

rates as (
    select * from {{ ref('stg_reference__exchange_rates') }}
),

referenced as (
    select
        payments.*,
        coalesce(
            {{ trip_reference_rule('trip_references') }},
            case
                when payments.created_at < trip_references.trip_requested_at then 'before_trip_request'
                when rates.usd_per_unit is null then 'missing_exchange_rate'
                when payments.currency <> trip_references.trip_currency then 'currency_mismatch'
            end
        ) as reference_rule
    from payments
    left join trip_references on payments.trip_id = trip_references.trip_id
    left join rates
        on
            payments.currency = rates.currency
            and cast(date_trunc('month', payments.created_at) as date) = rates.rate_month
),

-- doc block rule_refund_exceeds_capture: refunds in created_at, payment_id
-- order; each one whose running total passes its trip's captured total
-- (amount, or tip) is quarantined.
refund_totals as (
    select
        *,
        sum(case when status = 'captured' and reference_rule is null then amount else 0 end)
            over (partition by trip_id) as captured_amount,
        sum(case when status = 'captured' and reference_rule is null then tip_amount else 0 end)
            over (partition by trip_id) as captured_tip,
        sum(case when status = 'refunded' and reference_rule is null then amount else 0 end)
            over (
                partition by trip_id order by created_at, payment_id
                rows between unbounded preceding and current row
            ) as refunded_amount_so_far,
        sum(case when status = 'refunded' and reference_rule is null then tip_amount else 0 end)
            over (
                partition by trip_id order by created_at, payment_id
                rows between unbounded preceding and current row
            ) as refunded_tip_so_far
    from referenced
)

select
    payment_id,
    trip_id,
    method,
    status,
    amount,
    tip_amount,
    currency,
    created_at,
    updated_at,
    _batch,
    coalesce(
        reference_rule,
        case
            when
                status = 'refunded'
                and (refunded_amount_so_far > captured_amount or refunded_tip_so_far > captured_tip)
                then 'refund_exceeds_capture'
        end
    ) as rejection_rule,
    {{ current_build_id() }} as build_id
from refund_totals
