-- depends_on: {{ ref('drivers') }}
{#- The ref above only orders the build after the sample seed; data is read
    through source() so bulk-loaded exports flow the same way. -#}
with

source as (
    select * from {{ source('rideshare', 'drivers') }}
),

cleaned as (
    select
        source.driver_id,
        trim(source.first_name) as first_name,
        trim(source.last_name) as last_name,
        lower(trim(source.email)) as email,
        trim(source.phone) as phone,
        source.city_id,
        trim(source.vehicle_make) as vehicle_make,
        trim(source.vehicle_model) as vehicle_model,
        source.vehicle_year,
        lower(trim(source.product)) as product,
        lower(trim(source.status)) as status,
        {{ safe_timestamp('source.signed_up_at') }} as signed_up_at,
        {{ safe_timestamp('source.updated_at') }} as updated_at,
        source._batch,
        source._line,
        {{ raw_values_json(raw_columns('drivers'), 'source') }} as raw_values
    from source
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
