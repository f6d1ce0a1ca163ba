-- mart_city_daily adds up to fct_trips: trips, completed trips, distance,
-- net revenue (and its split into completed trips and cancellation fees)
-- and tips, in total and per city.
with

daily as (
    select
        city_key,
        sum(trips) as trips,
        sum(completed_trips) as completed_trips,
        sum(distance_km) as distance_km,
        sum(net_revenue_usd) as net_revenue_usd,
        sum(completed_trip_revenue_usd) as completed_trip_revenue_usd,
        sum(cancellation_fees_usd) as cancellation_fees_usd,
        sum(tips_usd) as tips_usd
    from {{ ref('mart_city_daily') }}
    group by city_key
),

facts as (
    select
        city_key,
        count(*) as trips,
        sum(case when is_completed then 1 else 0 end) as completed_trips,
        sum(coalesce(distance_km, 0)) as distance_km,
        sum(net_revenue_usd) as net_revenue_usd,
        sum(case when is_completed then net_revenue_usd else 0 end) as completed_trip_revenue_usd,
        sum(case when is_completed then 0 else net_revenue_usd end) as cancellation_fees_usd,
        sum(tip_usd) as tips_usd
    from {{ ref('fct_trips') }}
    group by city_key
)

select
    coalesce(daily.city_key, facts.city_key) as city_key,
    daily.trips as mart_trips,
    facts.trips as fact_trips
from daily
full outer join facts on daily.city_key = facts.city_key
where
    coalesce(daily.trips, 0) <> coalesce(facts.trips, 0)
    or coalesce(daily.completed_trips, 0) <> coalesce(facts.completed_trips, 0)
    or coalesce(daily.distance_km, 0) <> coalesce(facts.distance_km, 0)
    or coalesce(daily.net_revenue_usd, 0) <> coalesce(facts.net_revenue_usd, 0)
    or coalesce(daily.completed_trip_revenue_usd, 0) <> coalesce(facts.completed_trip_revenue_usd, 0)
    or coalesce(daily.cancellation_fees_usd, 0) <> coalesce(facts.cancellation_fees_usd, 0)
    or coalesce(daily.tips_usd, 0) <> coalesce(facts.tips_usd, 0)
