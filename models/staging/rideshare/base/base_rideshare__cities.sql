-- depends_on: {{ ref('cities') }}
{#- A real dependency dbt cannot see: the sample seed `cities` writes the raw
    table source('rideshare', 'cities') reads, so the seed must run first. #}
{{ config(unique_key='city_id') }}
with

source_rows as (
    {{ raw_rows_to_rank('cities', 'city_id') }}
),

cleaned as (
    select
        source_rows.city_id,
        {{ title_case('source_rows.city_name') }} as city_name,
        upper(trim(source_rows.country_code)) as country_code,
        upper(trim(source_rows.currency)) as currency,
        trim(source_rows.timezone) as timezone,
        {{ safe_date('source_rows.launched_on') }} as launched_on,
        source_rows.launched_on as launched_on_text,
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
            when city_id is null then 'missing_key'
            when updated_at is null or (launched_on is null and nullif(trim(launched_on_text), '') is not null)
                then 'unparseable_timestamp'
            when coalesce(city_name, '') = '' or coalesce(timezone, '') = '' or currency is null
                then 'missing_value'
        end as rejection_rule
    from cleaned
),

ranked as (
    select
        *,
        {{ version_rank(['city_id']) }} as version_rank
    from ruled
)

select
    *,
    {{ version_disposition('rejection_rule', 'version_rank', 'city_id is not null and updated_at is not null') }}
        as disposition
from ranked
