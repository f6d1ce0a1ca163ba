-- depends_on: {{ ref('riders') }}
{#- The ref above only orders the build after the sample seed; data is read
    through source() so bulk-loaded exports flow the same way. -#}
with

source as (
    select * from {{ source('rideshare', 'riders') }}
),

cleaned as (
    select
        source.rider_id,
        trim(source.first_name) as first_name,
        trim(source.last_name) as last_name,
        lower(trim(source.email)) as email,
        trim(source.phone) as phone,
        source.home_city_id,
        lower(trim(source.is_business)) as is_business_text,
        {{ safe_timestamp('source.signed_up_at') }} as signed_up_at,
        {{ safe_timestamp('source.updated_at') }} as updated_at,
        source._batch,
        source._line,
        {{ raw_values_json(raw_columns('riders'), 'source') }} as raw_values
    from source
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
