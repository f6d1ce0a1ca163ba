-- mart_city_daily adds up to fct_trips: trips, completed trips, distance,
-- net revenue and tips, in total and per city.
with

daily as (
    select
        city_id,
        sum(trips) as trips,
        sum(completed_trips) as completed_trips,
        sum(distance_km) as distance_km,
        sum(net_revenue_usd) as net_revenue_usd,
        sum(tips_usd) as tips_usd
    from {{ ref('mart_city_daily') }}
    group by city_id
),

facts as (
    select
        city_key as city_id,
        count(*) as trips,
        sum(case when is_completed then 1 else 0 end) as completed_trips,
        sum(coalesce(distance_km, 0)) as distance_km,
        sum(net_revenue_usd) as net_revenue_usd,
        sum(tip_usd) as tips_usd
    from {{ ref('fct_trips') }}
    group by city_key
)

select
    coalesce(daily.city_id, facts.city_id) as city_id,
    daily.trips as mart_trips,
    facts.trips as fact_trips
from daily
full outer join facts on daily.city_id = facts.city_id
where
    coalesce(daily.trips, 0) <> coalesce(facts.trips, 0)
    or coalesce(daily.completed_trips, 0) <> coalesce(facts.completed_trips, 0)
    or coalesce(daily.distance_km, 0) <> coalesce(facts.distance_km, 0)
    or coalesce(daily.net_revenue_usd, 0) <> coalesce(facts.net_revenue_usd, 0)
    or coalesce(daily.tips_usd, 0) <> coalesce(facts.tips_usd, 0)
