-- depends_on: {{ ref('cities') }}
{#- A real dependency dbt cannot see: the sample seed `cities` writes the raw
    table source('rideshare', 'cities') reads, so the seed must run first. #}
{{ config(unique_key='city_id') }}
with

source_rows as (
    {{ raw_rows_to_rank('cities', 'city_id') }}
),

timezones as (
    select * from {{ ref('stg_reference__timezones') }}
),

exchange_rates as (
    select * from {{ ref('stg_reference__exchange_rates') }}
),

-- a currency is known when the exchange-rate seed has any month of it
known_currencies as (
    select distinct currency
    from exchange_rates
),

cleaned as (
    select
        source_rows.city_id,
        {{ title_case('source_rows.city_name') }} as city_name,
        upper({{ clean_text('source_rows.country_code') }}) as country_code,
        upper({{ clean_text('source_rows.currency') }}) as currency,
        {{ clean_text('source_rows.timezone') }} as timezone,
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
        cleaned.*,
        case
            when cleaned.city_id is null then 'missing_key'
            when cleaned.updated_at is null or (cleaned.launched_on is null and cleaned.launched_on_text is not null)
                then 'unparseable_timestamp'
            when
                coalesce(cleaned.city_name, '') = ''
                or coalesce(cleaned.timezone, '') = ''
                or coalesce(cleaned.currency, '') = ''
                then 'missing_value'
            -- rule 6: local time needs a zone both engines convert with
            when timezones.timezone is null then 'unknown_timezone'
            -- rule 5: money in the city's currency must convert to US dollars
            when known_currencies.currency is null then 'unknown_currency'
        end as rejection_rule
    from cleaned
    left join timezones on cleaned.timezone = timezones.timezone
    left join known_currencies on cleaned.currency = known_currencies.currency
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
