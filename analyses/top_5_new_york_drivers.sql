-- The top 5 drivers by completed trips in New York (ties broken by driver_id).
with

trips as (
    select * from {{ ref('fct_trips') }}
),

cities as (
    select * from {{ ref('dim_cities') }}
),

drivers as (
    select * from {{ ref('dim_drivers') }}
    where is_current
),

new_york_completed as (
    select trips.driver_id
    from trips
    inner join cities on trips.city_key = cities.city_id
    where cities.city_name = 'New York' and trips.is_completed
)

select
    new_york_completed.driver_id,
    drivers.first_name,
    drivers.last_name,
    count(*) as completed_trips
from new_york_completed
left join drivers on new_york_completed.driver_id = drivers.driver_id
group by new_york_completed.driver_id, drivers.first_name, drivers.last_name
order by completed_trips desc, new_york_completed.driver_id asc
limit 5
