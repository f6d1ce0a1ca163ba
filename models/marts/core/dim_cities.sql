-- Cities, latest version, with their sales region, plus the unknown member.
with

cities as (
    select * from {{ ref('stg_rideshare__cities') }}
),

regions as (
    select * from {{ ref('stg_reference__country_regions') }}
),

known as (
    select
        cities.city_id,
        cities.city_name,
        cities.country_code,
        coalesce(regions.region, 'Unknown') as region,
        cities.currency,
        cities.timezone,
        cities.launched_on,
        cities.updated_at
    from cities
    left join regions on cities.country_code = regions.country_code
),

unknown_member as (
    select
        -1 as city_id,
        'Unknown' as city_name,
        cast(null as {{ string_type() }}) as country_code,
        'Unknown' as region,
        cast(null as {{ string_type() }}) as currency,
        'UTC' as timezone,
        cast(null as date) as launched_on,
        cast(null as timestamp) as updated_at
),

unioned as (
    select * from known
    union all
    select * from unknown_member
)

select
    cast(city_id as bigint) as city_key,
    cast(city_id as bigint) as city_id,
    cast(city_name as {{ string_type() }}) as city_name,
    cast(country_code as {{ string_type() }}) as country_code,
    cast(region as {{ string_type() }}) as region,
    cast(currency as {{ string_type() }}) as currency,
    cast(timezone as {{ string_type() }}) as timezone,
    cast(launched_on as date) as launched_on,
    cast(updated_at as timestamp) as source_updated_at,
    city_id = -1 as is_unknown
from unioned
