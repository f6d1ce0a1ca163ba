-- Point-in-time driver features for the ML team: one row per known driver
-- and day from the day after signup, each feature computed only from events
-- dated strictly before feature_date (UTC midnight). Trailing windows are
-- rows over a dense day grid: "7d" = the 7 days before feature_date.
with

activity as (
    select * from {{ ref('int_driver_daily_activity') }}
),

drivers as (
    select * from {{ ref('dim_drivers') }}
    where driver_version_key <> '-1'
),

dates as (
    select * from {{ ref('dim_dates') }}
),

signups as (
    select
        driver_id,
        min(signed_up_at) as signed_up_at
    from drivers
    group by driver_id
),

feature_range as (
    select
        min(activity_date) as first_date,
        max(activity_date) + 1 as last_date
    from activity
),

grid as (
    select
        signups.driver_id,
        signups.signed_up_at,
        dates.date_day as feature_date
    from signups
    inner join feature_range on true
    inner join dates
        on
            dates.date_day between feature_range.first_date and feature_range.last_date
            and dates.date_day > cast(signups.signed_up_at as date)
),

daily as (
    -- activity of the day before feature_date: windows below end there
    select
        grid.driver_id,
        grid.signed_up_at,
        grid.feature_date,
        coalesce(activity.trips_requested, 0) as trips_requested,
        coalesce(activity.trips_cancelled_by_driver, 0) as trips_cancelled_by_driver,
        coalesce(activity.trips_completed, 0) as trips_completed,
        coalesce(activity.ratings_received, 0) as ratings_received,
        coalesce(activity.stars_received, 0) as stars_received,
        coalesce(activity.net_revenue_usd, 0) as net_revenue_usd
    from grid
    left join activity
        on
            grid.driver_id = activity.driver_id
            and grid.feature_date - 1 = activity.activity_date
),

windowed as (
    select
        driver_id,
        signed_up_at,
        feature_date,
        sum(trips_completed) over trailing_7 as completed_trips_7d,
        sum(trips_completed) over trailing_28 as completed_trips_28d,
        sum(trips_requested) over trailing_28 as trips_requested_28d,
        sum(trips_cancelled_by_driver) over trailing_28 as cancelled_by_driver_28d,
        sum(ratings_received) over trailing_28 as ratings_received_28d,
        sum(stars_received) over trailing_28 as stars_received_28d,
        sum(net_revenue_usd) over trailing_7 as net_revenue_usd_7d,
        sum(net_revenue_usd) over trailing_28 as net_revenue_usd_28d,
        sum(trips_completed) over all_before as completed_trips_lifetime
    from daily
    window
        trailing_7 as (partition by driver_id order by feature_date rows between 6 preceding and current row),
        trailing_28 as (partition by driver_id order by feature_date rows between 27 preceding and current row),
        all_before as (partition by driver_id order by feature_date rows between unbounded preceding and current row)
),

as_of_version as (
    -- the driver version valid just before feature_date starts
    select
        windowed.*,
        drivers.product,
        drivers.city_id,
        drivers.status
    from windowed
    left join drivers
        on
            windowed.driver_id = drivers.driver_id
            and windowed.feature_date > drivers.valid_from
            and (drivers.valid_to is null or windowed.feature_date <= drivers.valid_to)
)

select
    cast(driver_id as bigint) as driver_id,
    cast(feature_date as date) as feature_date,
    cast(feature_date - cast(signed_up_at as date) as integer) as days_since_signup,
    cast(product as varchar) as product_as_of,
    cast(city_id as bigint) as city_id_as_of,
    cast(status as varchar) as status_as_of,
    cast(completed_trips_7d as bigint) as completed_trips_7d,
    cast(completed_trips_28d as bigint) as completed_trips_28d,
    cast(trips_requested_28d as bigint) as trips_requested_28d,
    cast(
        case when trips_requested_28d > 0 then cast(cancelled_by_driver_28d as decimal(18, 6)) / trips_requested_28d end
        as decimal(8, 4)
    ) as cancellation_rate_28d,
    cast(ratings_received_28d as bigint) as ratings_received_28d,
    cast(
        case when ratings_received_28d > 0 then cast(stars_received_28d as decimal(18, 6)) / ratings_received_28d end
        as decimal(6, 3)
    ) as avg_rider_stars_28d,
    cast(net_revenue_usd_7d as decimal(16, 2)) as net_revenue_usd_7d,
    cast(net_revenue_usd_28d as decimal(16, 2)) as net_revenue_usd_28d,
    cast(completed_trips_lifetime as bigint) as completed_trips_lifetime
from as_of_version
