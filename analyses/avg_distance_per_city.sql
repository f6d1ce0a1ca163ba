-- Average distance of completed trips per city, in km.
with

trips as (
    select * from {{ ref('fct_trips') }}
),

cities as (
    select * from {{ ref('dim_cities') }}
)

select
    cities.city_name,
    count(*) as completed_trips,
    round(avg(trips.distance_km), 3) as avg_distance_km
from trips
inner join cities on trips.city_key = cities.city_key
where trips.is_completed
group by cities.city_name
order by cities.city_name
