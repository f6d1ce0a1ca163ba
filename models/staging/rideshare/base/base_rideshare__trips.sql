-- depends_on: {{ ref('trips') }}
{#- The ref above only orders the build after the sample seed; data is read
    through source() so bulk-loaded exports flow the same way. -#}
with

source as (
    select * from {{ source('rideshare', 'trips') }}
),

cleaned as (
    select
        source.trip_id,
        source.rider_id,
        source.driver_id,
        source.city_id,
        lower(trim(source.product)) as product,
        lower(trim(source.status)) as status,
        {{ safe_timestamp('source.requested_at') }} as requested_at,
        {{ safe_timestamp('source.started_at') }} as started_at,
        {{ safe_timestamp('source.ended_at') }} as ended_at,
        source.distance_km,
        source.surge_multiplier,
        source.fare_amount,
        upper(trim(source.currency)) as currency,
        {{ safe_timestamp('source.updated_at') }} as updated_at,
        -- a blank optional timestamp is fine, a non-blank one must parse
        nullif(trim(source.started_at), '') is not null as has_started_at_text,
        nullif(trim(source.ended_at), '') is not null as has_ended_at_text,
        source._batch,
        source._line,
        {{ raw_values_json(raw_columns('trips'), 'source') }} as raw_values
    from source
),

ruled as (
    select
        *,
        case
            when trip_id is null then 'missing_key'
            when
                updated_at is null
                or requested_at is null
                or (has_started_at_text and started_at is null)
                or (has_ended_at_text and ended_at is null)
                then 'unparseable_timestamp'
            when
                coalesce(product, '') not in ('economy', 'comfort', 'xl')
                or coalesce(status, '') not in ('completed', 'cancelled_by_rider', 'cancelled_by_driver')
                then 'unknown_domain_value'
            when status = 'completed' and (started_at is null or ended_at is null)
                then 'missing_timestamp'
            when
                distance_km < 0
                or (status = 'completed' and distance_km is null)
                or coalesce(fare_amount, -1) < 0
                or coalesce(surge_multiplier, 0) < 1
                then 'invalid_measure'
            when started_at < requested_at or ended_at < started_at
                then 'impossible_time_order'
        end as rejection_rule
    from cleaned
),

ranked as (
    select
        *,
        {{ version_rank(['trip_id']) }} as version_rank
    from ruled
)

select
    *,
    {{ version_disposition('rejection_rule', 'version_rank', 'trip_id is not null and updated_at is not null') }}
        as disposition
from ranked
