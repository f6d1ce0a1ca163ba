-- Latest valid payment versions with the cross-table rule applied: a payment
-- must belong to a trip that is in the warehouse (rule 2).
-- Incremental: a build deletes and rewrites the payments with a raw row it has
-- not seen and the payments of the trips int_trip_changes logged since its
-- last one (a trip's quarantine decides theirs).
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
    {{ current_build_id() }} as build_id
from payments
left join trip_references on payments.trip_id = trip_references.trip_id
