-- Driver performance per local calendar month: trips, completed trips, net
-- revenue, average rating received, cancellation rate, and the rank in the
-- city the driver worked in that month (the city of most of the month's
-- trips; ties to the lower city id). rank_in_city is a standard competition
-- rank on completed trips: tied drivers share a rank and the next rank skips.
-- Rows are ordered by month, city (unknown member last) and rank, so a preview
-- starts with each city's best drivers. The figures come per driver-month
-- from int_driver_monthly_activity (incremental); the ranking needs every
-- driver of a city-month, so this table is rebuilt, from driver-months.
with

monthly as (
    select * from {{ ref('int_driver_monthly_activity') }}
),

cities as (
    select * from {{ ref('dim_cities') }}
),

combined as (
    select
        monthly.*,
        cities.city_id
    from monthly
    inner join cities on monthly.city_key = cities.city_key
)

select
    cast(driver_id as bigint) as driver_id,
    cast(city_key as bigint) as city_key,
    -- the spec's interface names the city by its natural id too
    cast(city_id as bigint) as city_id,
    cast(month as date) as month,
    cast(trips as bigint) as trips,
    cast(completed_trips as bigint) as completed_trips,
    cast(cancelled_by_driver_trips as bigint) as cancelled_by_driver_trips,
    cast(cast(cancelled_by_driver_trips as decimal(18, 6)) / trips as decimal(8, 4)) as cancellation_rate,
    cast(net_revenue_usd as decimal(16, 2)) as net_revenue_usd,
    cast(avg_rider_stars as decimal(6, 3)) as avg_rider_stars,
    cast(ratings_received as bigint) as ratings_received,
    cast(rank() over (partition by city_key, month order by completed_trips desc) as integer) as rank_in_city
from combined
order by
    month,
    case when city_key = -1 then 1 else 0 end,
    city_key,
    rank_in_city,
    driver_id
