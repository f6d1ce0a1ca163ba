with

regions as (
    select * from {{ ref('country_regions') }}
)

select
    upper(trim(country_code)) as country_code,
    region
from regions
