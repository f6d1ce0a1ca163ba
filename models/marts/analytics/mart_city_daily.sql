-- Trips, distance, net revenue and tips per city and local date (rule 6).
-- Every city (and the unknown member) gets a row for every day from the
-- first to the last local trip date, zeros included. Revenue and tips are
-- attributed to the trip's local date, not the payment's; net revenue is
-- split into completed trips' revenue and fees of cancelled trips. Rows are
-- ordered known cities first (unknown member last), by city and date, so a
-- preview (`dbt show --select mart_city_daily`) starts with real data.
with

trips as (
    select * from {{ ref('fct_trips') }}
),

cities as (
    select * from {{ ref('dim_cities') }}
),

dates as (
    select * from {{ ref('dim_dates') }}
),

date_range as (
    select
        min(local_date) as first_date,
        max(local_date) as last_date
    from trips
),

city_days as (
    select
        cities.city_key,
        cities.city_id,
        dates.date_day as local_date
    from cities
    cross join dates
    inner join date_range
        on dates.date_day between date_range.first_date and date_range.last_date
),

daily as (
    select
        city_key,
        local_date,
        count(*) as trips,
        sum(case when is_completed then 1 else 0 end) as completed_trips,
        sum(case when status = 'cancelled_by_rider' then 1 else 0 end) as cancelled_by_rider_trips,
        sum(case when status = 'cancelled_by_driver' then 1 else 0 end) as cancelled_by_driver_trips,
        sum(coalesce(distance_km, 0)) as distance_km,
        sum(net_revenue_usd) as net_revenue_usd,
        sum(case when is_completed then net_revenue_usd else 0 end) as completed_trip_revenue_usd,
        sum(case when is_completed then 0 else net_revenue_usd end) as cancellation_fees_usd,
        sum(tip_usd) as tips_usd
    from trips
    group by city_key, local_date
)

select
    cast(city_days.city_key as bigint) as city_key,
    -- the spec's interface names the city by its natural id too
    cast(city_days.city_id as bigint) as city_id,
    cast(city_days.local_date as date) as local_date,
    cast(coalesce(daily.trips, 0) as bigint) as trips,
    cast(coalesce(daily.completed_trips, 0) as bigint) as completed_trips,
    cast(coalesce(daily.cancelled_by_rider_trips, 0) as bigint) as cancelled_by_rider_trips,
    cast(coalesce(daily.cancelled_by_driver_trips, 0) as bigint) as cancelled_by_driver_trips,
    cast(coalesce(daily.distance_km, 0) as decimal(14, 3)) as distance_km,
    cast(coalesce(daily.net_revenue_usd, 0) as decimal(16, 2)) as net_revenue_usd,
    cast(coalesce(daily.completed_trip_revenue_usd, 0) as decimal(16, 2)) as completed_trip_revenue_usd,
    cast(coalesce(daily.cancellation_fees_usd, 0) as decimal(16, 2)) as cancellation_fees_usd,
    cast(coalesce(daily.tips_usd, 0) as decimal(16, 2)) as tips_usd
from city_days
left join daily
    on
        city_days.city_key = daily.city_key
        and city_days.local_date = daily.local_date
order by
    case when city_days.city_key = -1 then 1 else 0 end,
    city_days.city_key,
    city_days.local_date
