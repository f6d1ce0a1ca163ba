-- Latest valid payment versions with the cross-table rule applied: a payment
-- must belong to a trip that is in the warehouse (rule 2).
-- Incremental: a build rewrites the payments with a raw row loaded since the
-- last one and the payments of trips with one (a trip's quarantine decides
-- theirs); the post-hook drops payments whose newest version is quarantined.
{{ config(materialized='incremental', unique_key='payment_id', incremental_strategy='delete+insert',
    on_schema_change='fail', post_hook="{{ delete_quarantined_keys('base_rideshare__payments', ['payment_id']) }}") }}
-- depends_on: {{ ref('base_rideshare__payments') }}
with

{% if is_incremental() -%}
    touched as (
        {{ payments_touched_since_last_build() }}
    ),

{% endif -%}
payments as (
    select * from {{ ref('stg_rideshare__payments') }}
    {{ where_touched('payment_id') }}
),

trip_references as (
    select * from {{ ref('int_trip_references') }}
)

select
    payments.payment_id,
    payments.trip_id,
    payments.method,
    payments.status,
    payments.amount,
    payments.tip_amount,
    payments.currency,
    payments.created_at,
    payments.updated_at,
    payments._batch,
    {{ trip_reference_rule('trip_references') }} as rejection_rule,
    cast({{ raw_watermark() }} as timestamp) as loaded_through
from payments
left join trip_references on payments.trip_id = trip_references.trip_id
