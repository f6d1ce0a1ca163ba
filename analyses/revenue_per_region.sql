-- Net revenue and tips in USD per sales region (rule 5).
with

trips as (
    select * from {{ ref('fct_trips') }}
),

cities as (
    select * from {{ ref('dim_cities') }}
)

select
    cities.region,
    sum(trips.net_revenue_usd) as net_revenue_usd,
    sum(trips.tip_usd) as tips_usd
from trips
inner join cities on trips.city_key = cities.city_key
group by cities.region
order by net_revenue_usd desc, cities.region asc
