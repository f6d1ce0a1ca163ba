-- mart_driver_monthly adds up to fct_trips per month: trips, completed trips,
-- driver cancellations and net revenue; and each city-month's ranks start at 1.
with

monthly as (
    select
        month,
        sum(trips) as trips,
        sum(completed_trips) as completed_trips,
        sum(cancelled_by_driver_trips) as cancelled_by_driver_trips,
        sum(net_revenue_usd) as net_revenue_usd
    from {{ ref('mart_driver_monthly') }}
    group by month
),

facts as (
    select
        cast(date_trunc('month', local_date) as date) as month,
        count(*) as trips,
        sum(case when is_completed then 1 else 0 end) as completed_trips,
        sum(case when status = 'cancelled_by_driver' then 1 else 0 end) as cancelled_by_driver_trips,
        sum(net_revenue_usd) as net_revenue_usd
    from {{ ref('fct_trips') }}
    group by cast(date_trunc('month', local_date) as date)
),

top_ranks as (
    select
        city_key,
        month,
        min(rank_in_city) as best_rank
    from {{ ref('mart_driver_monthly') }}
    group by city_key, month
)

select cast(coalesce(monthly.month, facts.month) as {{ string_type() }}) as problem
from monthly
full outer join facts on monthly.month = facts.month
where
    coalesce(monthly.trips, 0) <> coalesce(facts.trips, 0)
    or coalesce(monthly.completed_trips, 0) <> coalesce(facts.completed_trips, 0)
    or coalesce(monthly.cancelled_by_driver_trips, 0) <> coalesce(facts.cancelled_by_driver_trips, 0)
    or coalesce(monthly.net_revenue_usd, 0) <> coalesce(facts.net_revenue_usd, 0)
union all
select 'rank does not start at 1 in city ' || cast(city_key as {{ string_type() }})
from top_ranks
where best_rank <> 1
