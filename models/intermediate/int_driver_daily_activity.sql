-- What happened to each known driver on each UTC day, each fact dated by its
-- own event time: a trip request and a driver cancellation by requested_at,
-- a completion by ended_at, a rider's rating by rated_at, revenue by the
-- payment's created_at. The ML features sum these over days before the
-- feature date only.
with

trips as (
    select * from {{ ref('fct_trips') }}
),

payments as (
    select * from {{ ref('fct_payments') }}
),

ratings as (
    select * from {{ ref('int_ratings_checked') }}
),

requested as (
    select
        driver_id,
        cast(requested_at as date) as activity_date,
        count(*) as trips_requested,
        sum(case when status = 'cancelled_by_driver' then 1 else 0 end) as trips_cancelled_by_driver
    from trips
    group by driver_id, cast(requested_at as date)
),

completed as (
    select
        driver_id,
        cast(ended_at as date) as activity_date,
        count(*) as trips_completed
    from trips
    where is_completed
    group by driver_id, cast(ended_at as date)
),

rated as (
    select
        trips.driver_id,
        cast(ratings.rated_at as date) as activity_date,
        count(*) as ratings_received,
        sum(ratings.stars) as stars_received
    from ratings
    inner join trips on ratings.trip_id = trips.trip_id
    where ratings.rejection_rule is null and ratings.rated_by = 'rider'
    group by trips.driver_id, cast(ratings.rated_at as date)
),

paid as (
    select
        trips.driver_id,
        cast(payments.created_at as date) as activity_date,
        sum(payments.net_amount_usd) as net_revenue_usd
    from payments
    inner join trips on payments.trip_id = trips.trip_id
    group by trips.driver_id, cast(payments.created_at as date)
),

unioned as (
    select
        driver_id,
        activity_date,
        trips_requested,
        trips_cancelled_by_driver,
        0 as trips_completed,
        0 as ratings_received,
        0 as stars_received,
        0 as net_revenue_usd
    from requested
    union all
    select
        driver_id,
        activity_date,
        0 as trips_requested,
        0 as trips_cancelled_by_driver,
        trips_completed,
        0 as ratings_received,
        0 as stars_received,
        0 as net_revenue_usd
    from completed
    union all
    select
        driver_id,
        activity_date,
        0 as trips_requested,
        0 as trips_cancelled_by_driver,
        0 as trips_completed,
        ratings_received,
        stars_received,
        0 as net_revenue_usd
    from rated
    union all
    select
        driver_id,
        activity_date,
        0 as trips_requested,
        0 as trips_cancelled_by_driver,
        0 as trips_completed,
        0 as ratings_received,
        0 as stars_received,
        net_revenue_usd
    from paid
)

select
    driver_id,
    activity_date,
    sum(trips_requested) as trips_requested,
    sum(trips_cancelled_by_driver) as trips_cancelled_by_driver,
    sum(trips_completed) as trips_completed,
    sum(ratings_received) as ratings_received,
    sum(stars_received) as stars_received,
    cast(sum(net_revenue_usd) as decimal(16, 2)) as net_revenue_usd
from unioned
group by driver_id, activity_date
