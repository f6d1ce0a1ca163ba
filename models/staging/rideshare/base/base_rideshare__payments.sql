-- depends_on: {{ ref('payments') }}
{#- A real dependency dbt cannot see: the sample seed `payments` writes the raw
    table source('rideshare', 'payments') reads, so the seed must run first. #}
{{ config(unique_key='payment_id') }}
with

source_rows as (
    {{ raw_rows_to_rank('payments', 'payment_id') }}
),

cleaned as (
    select
        source_rows.payment_id,
        source_rows.trip_id,
        lower({{ clean_text('source_rows.method') }}) as method,
        lower({{ clean_text('source_rows.status') }}) as status,
        {{ safe_amount('source_rows.amount') }} as amount,
        coalesce({{ safe_amount('source_rows.tip_amount') }}, cast(0 as decimal(12, 2))) as tip_amount,
        -- rule 5: more decimals than the currency's minor units (2) is never rounded
        {{ has_excess_decimals('source_rows.amount') }}
        or {{ has_excess_decimals('source_rows.tip_amount') }} as has_excess_decimals,
        -- an empty tip is 0, any other text must parse
        source_rows.tip_amount is not null
        and {{ safe_amount('source_rows.tip_amount') }} is null as has_unparseable_tip,
        upper({{ clean_text('source_rows.currency') }}) as currency,
        {{ safe_timestamp('source_rows.created_at') }} as created_at,
        {{ safe_timestamp('source_rows.updated_at') }} as updated_at,
        source_rows._batch,
        source_rows._line,
        source_rows._load_id,
        {{ current_build_id() }} as build_id
    from source_rows
    {{- evaluate_once() }}
),

ruled as (
    select
        *,
        case
            when payment_id is null then 'missing_key'
            when updated_at is null or created_at is null then 'unparseable_timestamp'
            when
                coalesce(method, '') not in ('card', 'cash', 'wallet')
                or coalesce(status, '') not in ('captured', 'failed', 'refunded')
                then 'unknown_domain_value'
            when has_excess_decimals then 'excess_precision'
            when
                coalesce(amount, -1) < 0
                or tip_amount < 0
                or has_unparseable_tip
                then 'invalid_measure'
            -- rule 8: not created after the row's own last modification
            when created_at > updated_at then 'timestamp_after_update'
        end as rejection_rule
    from cleaned
),

ranked as (
    select
        *,
        {{ version_rank(['payment_id']) }} as version_rank
    from ruled
)

select
    *,
    {{ version_disposition('rejection_rule', 'version_rank', 'payment_id is not null and updated_at is not null') }}
        as disposition
from ranked
