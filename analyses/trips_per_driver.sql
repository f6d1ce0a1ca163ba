-- Trips per driver: all trips and completed trips, busiest first.
-- Unknown drivers are grouped under their raw id.
with

trips as (
    select * from {{ ref('fct_trips') }}
)

select
    driver_id,
    count(*) as trips,
    sum(case when is_completed then 1 else 0 end) as completed_trips
from trips
group by driver_id
order by trips desc, driver_id asc
