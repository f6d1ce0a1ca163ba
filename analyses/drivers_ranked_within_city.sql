-- Drivers ranked by completed trips within the city of each trip
-- (dense rank: ties share a rank).
with

trips as (
    select * from {{ ref('fct_trips') }}
),

cities as (
    select * from {{ ref('dim_cities') }}
),

per_driver as (
    select
        cities.city_name,
        trips.driver_id,
        count(*) as completed_trips
    from trips
    inner join cities on trips.city_key = cities.city_key
    where trips.is_completed
    group by cities.city_name, trips.driver_id
)

select
    city_name,
    driver_id,
    completed_trips,
    dense_rank() over (partition by city_name order by completed_trips desc) as rank_in_city
from per_driver
order by city_name, rank_in_city, driver_id
