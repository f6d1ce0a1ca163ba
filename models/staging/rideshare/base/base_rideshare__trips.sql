-- depends_on: {{ ref('trips') }}
{#- A real dependency dbt cannot see: the sample seed `trips` writes the raw
    table source('rideshare', 'trips') reads, so the seed must run first. #}
{{ config(unique_key='trip_id') }}
with

source_rows as (
    {{ raw_rows_to_rank('trips', 'trip_id') }}
),

cities as (
    select * from {{ ref('stg_rideshare__cities') }}
),

cleaned as (
    select
        source_rows.trip_id,
        source_rows.rider_id,
        source_rows.driver_id,
        source_rows.city_id,
        lower({{ clean_text('source_rows.product') }}) as product,
        lower({{ clean_text('source_rows.status') }}) as status,
        {{ safe_timestamp('source_rows.requested_at') }} as requested_at,
        {{ safe_timestamp('source_rows.started_at') }} as started_at,
        {{ safe_timestamp('source_rows.ended_at') }} as ended_at,
        source_rows.distance_km,
        source_rows.surge_multiplier,
        {{ safe_amount('source_rows.fare_amount') }} as fare_amount,
        -- rule 5: more decimals than the currency's minor units (2) is never rounded
        {{ has_excess_decimals('source_rows.fare_amount') }} as has_excess_decimals,
        upper({{ clean_text('source_rows.currency') }}) as currency,
        {{ safe_timestamp('source_rows.updated_at') }} as updated_at,
        -- an empty optional timestamp is fine, any other text must parse
        source_rows.started_at is not null as has_started_at_text,
        source_rows.ended_at is not null as has_ended_at_text,
        source_rows._batch,
        source_rows._line,
        source_rows._load_id,
        {{ current_build_id() }} as build_id
    from source_rows
    {{- evaluate_once() }}
),

first_launch as (
    select min(launched_on) as launched_on
    from cities
),

with_city_launch as (
    select
        cleaned.*,
        -- the city's launch day as an instant (00:00 UTC); for an unknown city
        -- the first launch of any city (nothing ran before it)
        cast(coalesce(cities.launched_on, first_launch.launched_on) as timestamp) as city_launched_at
    from cleaned
    cross join first_launch
    left join cities on cleaned.city_id = cities.city_id
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
            when has_excess_decimals then 'excess_precision'
            when
                distance_km < 0
                or (status = 'completed' and distance_km is null)
                or coalesce(fare_amount, -1) < 0
                or coalesce(surge_multiplier, 0) < 1
                then 'invalid_measure'
            when started_at < requested_at or ended_at < started_at
                then 'impossible_time_order'
            -- rule 8: no event after the row's own last modification
            when requested_at > updated_at or started_at > updated_at or ended_at > updated_at
                then 'timestamp_after_update'
            -- rule 8: no trip before its city launched (started and ended follow requested)
            when requested_at < city_launched_at then 'before_city_launch'
        end as rejection_rule
    from with_city_launch
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
