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
    inner join cities on trips.city_key = cities.city_key
    where cities.city_name = 'New York' and trips.is_completed
),

per_driver as (
    select
        new_york_completed.driver_id,
        drivers.first_name,
        drivers.last_name,
        count(*) as completed_trips
    from new_york_completed
    left join drivers on new_york_completed.driver_id = drivers.driver_id
    group by new_york_completed.driver_id, drivers.first_name, drivers.last_name
),

-- the five first by position rather than `limit 5`, so `dbt show --select
-- top_5_new_york_drivers` (which adds its own limit) runs it as written
ranked as (
    select
        per_driver.*,
        row_number() over (order by per_driver.completed_trips desc, per_driver.driver_id asc) as position
    from per_driver
)

select
    driver_id,
    first_name,
    last_name,
    completed_trips
from ranked
where position <= 5
order by position
