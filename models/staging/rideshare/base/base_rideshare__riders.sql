-- depends_on: {{ ref('riders') }}
{#- A real dependency dbt cannot see: the sample seed `riders` writes the raw
    table source('rideshare', 'riders') reads, so the seed must run first. #}
{{ config(unique_key='rider_id') }}
with

source_rows as (
    {{ raw_rows_to_rank('riders', 'rider_id') }}
),

cleaned as (
    select
        source_rows.rider_id,
        {{ clean_name('source_rows.first_name') }} as first_name,
        {{ clean_name('source_rows.last_name') }} as last_name,
        {{ clean_email('source_rows.email') }} as email,
        {{ clean_text('source_rows.phone') }} as phone,
        source_rows.home_city_id,
        lower({{ clean_text('source_rows.is_business') }}) as is_business_text,
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
            when rider_id is null then 'missing_key'
            when updated_at is null or signed_up_at is null then 'unparseable_timestamp'
            when coalesce(is_business_text, '') not in ('true', 'false') then 'unknown_domain_value'
        end as rejection_rule
    from cleaned
),

ranked as (
    select
        *,
        -- a rider version is keyed by rider and updated_at: every change is kept
        {{ version_rank(['rider_id', 'updated_at']) }} as version_rank
    from ruled
)

select
    *,
    {{ version_disposition('rejection_rule', 'version_rank', 'rider_id is not null and updated_at is not null') }}
        as disposition
from ranked
