-- depends_on: {{ ref('drivers') }}
{#- A real dependency dbt cannot see: the sample seed `drivers` writes the raw
    table source('rideshare', 'drivers') reads, so the seed must run first. #}
{{ config(unique_key='driver_id') }}
with

source_rows as (
    {{ raw_rows_to_rank('drivers', 'driver_id') }}
),

cleaned as (
    select
        source_rows.driver_id,
        {{ clean_name('source_rows.first_name') }} as first_name,
        {{ clean_name('source_rows.last_name') }} as last_name,
        {{ clean_email('source_rows.email') }} as email,
        {{ clean_text('source_rows.phone') }} as phone,
        source_rows.city_id,
        {{ clean_name('source_rows.vehicle_make') }} as vehicle_make,
        {{ clean_name('source_rows.vehicle_model') }} as vehicle_model,
        source_rows.vehicle_year,
        lower({{ clean_text('source_rows.product') }}) as product,
        lower({{ clean_text('source_rows.status') }}) as status,
        {{ safe_timestamp('source_rows.signed_up_at') }} as signed_up_at,
        {{ safe_timestamp('source_rows.updated_at') }} as updated_at,
        source_rows._batch,
        source_rows._line,
        source_rows._load_id,
        {{ current_build_id() }} as build_id
    from source_rows
),

ruled as (
    select
        *,
        case
            when driver_id is null then 'missing_key'
            when updated_at is null or signed_up_at is null then 'unparseable_timestamp'
            when
                coalesce(product, '') not in ('economy', 'comfort', 'xl')
                or coalesce(status, '') not in ('active', 'suspended', 'offboarded')
                then 'unknown_domain_value'
        end as rejection_rule
    from cleaned
),

ranked as (
    select
        *,
        -- a driver version is keyed by driver and updated_at: every change is kept
        {{ version_rank(['driver_id', 'updated_at']) }} as version_rank
    from ruled
)

select
    *,
    {{ version_disposition('rejection_rule', 'version_rank', 'driver_id is not null and updated_at is not null') }}
        as disposition
from ranked
