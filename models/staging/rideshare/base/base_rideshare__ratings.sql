-- depends_on: {{ ref('ratings') }}
{#- A real dependency dbt cannot see: the sample seed `ratings` writes the raw
    table source('rideshare', 'ratings') reads, so the seed must run first. #}
{{ config(unique_key='trip_id') }}
with

source_rows as (
    {{ raw_rows_to_rank('ratings', 'trip_id') }}
),

cleaned as (
    select
        source_rows.trip_id,
        lower({{ clean_text('source_rows.rated_by') }}) as rated_by,
        source_rows.stars,
        {{ safe_timestamp('source_rows.rated_at') }} as rated_at,
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
            when trip_id is null or rated_by is null then 'missing_key'
            when updated_at is null or rated_at is null then 'unparseable_timestamp'
            when rated_by not in ('rider', 'driver') then 'unknown_domain_value'
            when stars is null or stars not between 1 and 5 then 'invalid_measure'
            -- rule 8: not rated after the row's own last modification
            when rated_at > updated_at then 'timestamp_after_update'
        end as rejection_rule
    from cleaned
),

ranked as (
    select
        *,
        {{ version_rank(['trip_id', 'rated_by']) }} as version_rank
    from ruled
)

select
    *,
    {{ version_disposition(
        'rejection_rule', 'version_rank',
        'trip_id is not null and rated_by is not null and updated_at is not null'
    ) }} as disposition
from ranked
