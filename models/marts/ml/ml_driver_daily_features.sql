-- Point-in-time driver features for the ML team: one row per known driver
-- and day from the day after signup, each feature computed only from events
-- dated strictly before feature_date (UTC midnight). Every measure is kept as
-- a lifetime running total; a trailing window is the difference of two
-- totals over the dense day grid: "7d" = lifetime(feature_date) minus
-- lifetime(feature_date - 7), i.e. the 7 days before feature_date.
-- Incremental: per driver, a build rewrites the days from the first one a
-- change can reach (the day after a touched activity day, the first new grid
-- day, or the whole grid for a driver with a new version, or for everyone
-- when the grid's first day moved), continuing the totals from the last
-- unchanged day. A driver with a new version is rewritten whole: the
-- pre-hook first deletes their rows (their grid may have shrunk or gone);
-- the post-hook drops days outside the grid's date range and drivers gone
-- from dim_drivers (every version quarantined); a full build writes neither,
-- so it skips the post-hook's scan of the whole table.
{{ config(
    materialized='incremental',
    unique_key=['driver_id', 'feature_date'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ delete_changed(['driver_id'], drivers_rewritten_since_last_build()) }}",
    post_hook="{% if is_incremental() %}
        delete from {{ this }} as features
        where
            features.feature_date < (select min(activity_date) from {{ ref('int_driver_daily_activity') }})
            or features.feature_date > (select max(activity_date) + 1 from {{ ref('int_driver_daily_activity') }})
            or not exists (
                select 1 from {{ ref('dim_drivers') }} as drivers
                where drivers.driver_id = features.driver_id
            )
    {% endif %}"
) }}
{#- dbt records refs when it parses a model, where is_incremental() is false:
    this one is read by the incremental branch only. #}
-- depends_on: {{ ref('int_driver_day_changes') }}

{#- each daily measure and the mart column holding its lifetime total -#}
{%- set lifetime_columns = {
    'trips_requested': 'trips_requested_lifetime',
    'trips_cancelled_by_driver': 'cancelled_by_driver_lifetime',
    'trips_completed': 'completed_trips_lifetime',
    'ratings_received': 'ratings_received_lifetime',
    'stars_received': 'stars_received_lifetime',
    'net_revenue_usd': 'net_revenue_usd_lifetime'
} %}
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

{% if is_incremental() -%}
    previous as (
        select * from {{ this }}
    ),

    previous_range as (
        select
            min(feature_date) as first_feature_date,
            max(feature_date) as last_feature_date
        from previous
    ),

    grid_start as (
        -- the first day of the grid as it is now (a driver's grid starts the
        -- day after signup, and not before the first activity day)
        select min(greatest(feature_range.first_date, cast(signups.signed_up_at as date) + 1)) as first_feature_date
        from signups
        inner join feature_range on cast(signups.signed_up_at as date) + 1 <= feature_range.last_date
    ),

    touched_days as (
        {{ driver_days_changed_since_last_build() }}
    ),

    rewrite_candidates as (
        select
            driver_id,
            activity_date + 1 as from_date
        from touched_days
        union all
        select
            driver_id,
            cast('1900-01-01' as date) as from_date
        from ({{ drivers_rewritten_since_last_build() }}) as new_versions
        union all
        select
            signups.driver_id,
            case
                when grid_start.first_feature_date = previous_range.first_feature_date
                    then previous_range.last_feature_date + 1
                else cast('1900-01-01' as date)
            end as from_date
        from signups
        cross join grid_start
        cross join previous_range
    ),

    rewrite_from as (
        select
            driver_id,
            min(from_date) as from_date
        from rewrite_candidates
        group by driver_id
    ),

{% endif -%}
grid as (
    select
        signups.driver_id,
        dates.date_day as feature_date
    from signups
    inner join feature_range on true
    inner join dates
        on
            dates.date_day between feature_range.first_date and feature_range.last_date
            and dates.date_day > cast(signups.signed_up_at as date)
    {% if is_incremental() -%}
        inner join rewrite_from
            on
                signups.driver_id = rewrite_from.driver_id
                and dates.date_day >= rewrite_from.from_date
    {%- endif %}
),

daily as (
    -- activity of the day before feature_date: totals below end there
    select
        grid.driver_id,
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

{% if is_incremental() -%}
    kept_history as (
        -- the 28 kept days before the rewrite, for the trailing windows
        select
            previous.driver_id,
            previous.feature_date,
            previous.feature_date = rewrite_from.from_date - 1 as is_last_kept,
            {% for measure, column in lifetime_columns.items() -%}
                previous.{{ column }} as {{ measure }}_lifetime{{ ',' if not loop.last }}
            {% endfor %}
        from previous
        inner join rewrite_from
            on
                previous.driver_id = rewrite_from.driver_id
                and previous.feature_date between rewrite_from.from_date - 28 and rewrite_from.from_date - 1
    ),

    carried as (
        -- totals of the last day kept, which the rewritten days continue
        select *
        from kept_history
        where is_last_kept
    ),

{% else -%}
    carried as (
        -- a full build starts every driver's totals at zero
        select
            driver_id,
            0 as trips_requested_lifetime,
            0 as trips_cancelled_by_driver_lifetime,
            0 as trips_completed_lifetime,
            0 as ratings_received_lifetime,
            0 as stars_received_lifetime,
            0 as net_revenue_usd_lifetime
        from signups
        where false
    ),

{% endif -%}
totals as (
    select
        daily.driver_id,
        daily.feature_date,
        true as is_rewritten,
        coalesce(carried.trips_requested_lifetime, 0)
        + sum(daily.trips_requested) over running as trips_requested_lifetime,
        coalesce(carried.trips_cancelled_by_driver_lifetime, 0)
        + sum(daily.trips_cancelled_by_driver) over running as trips_cancelled_by_driver_lifetime,
        coalesce(carried.trips_completed_lifetime, 0)
        + sum(daily.trips_completed) over running as trips_completed_lifetime,
        coalesce(carried.ratings_received_lifetime, 0)
        + sum(daily.ratings_received) over running as ratings_received_lifetime,
        coalesce(carried.stars_received_lifetime, 0)
        + sum(daily.stars_received) over running as stars_received_lifetime,
        coalesce(carried.net_revenue_usd_lifetime, 0)
        + sum(daily.net_revenue_usd) over running as net_revenue_usd_lifetime
    from daily
    left join carried on daily.driver_id = carried.driver_id
    window
        running as (
            partition by daily.driver_id order by daily.feature_date rows between unbounded preceding and current row
        )
    {% if is_incremental() -%}
        union all
        select
            driver_id,
            feature_date,
            false as is_rewritten,
            trips_requested_lifetime,
            trips_cancelled_by_driver_lifetime,
            trips_completed_lifetime,
            ratings_received_lifetime,
            stars_received_lifetime,
            net_revenue_usd_lifetime
        from kept_history
    {%- endif %}
),

windowed as (
    select
        driver_id,
        feature_date,
        is_rewritten,
        trips_requested_lifetime,
        trips_cancelled_by_driver_lifetime,
        trips_completed_lifetime,
        ratings_received_lifetime,
        stars_received_lifetime,
        net_revenue_usd_lifetime,
        trips_completed_lifetime
        - coalesce(lag(trips_completed_lifetime, 7) over by_driver, 0) as trips_completed_7d,
        net_revenue_usd_lifetime
        - coalesce(lag(net_revenue_usd_lifetime, 7) over by_driver, 0) as net_revenue_usd_7d,
        trips_requested_lifetime
        - coalesce(lag(trips_requested_lifetime, 28) over by_driver, 0) as trips_requested_28d,
        trips_cancelled_by_driver_lifetime
        - coalesce(lag(trips_cancelled_by_driver_lifetime, 28) over by_driver, 0) as trips_cancelled_by_driver_28d,
        trips_completed_lifetime
        - coalesce(lag(trips_completed_lifetime, 28) over by_driver, 0) as trips_completed_28d,
        ratings_received_lifetime
        - coalesce(lag(ratings_received_lifetime, 28) over by_driver, 0) as ratings_received_28d,
        stars_received_lifetime
        - coalesce(lag(stars_received_lifetime, 28) over by_driver, 0) as stars_received_28d,
        net_revenue_usd_lifetime
        - coalesce(lag(net_revenue_usd_lifetime, 28) over by_driver, 0) as net_revenue_usd_28d
    from totals
    window by_driver as (partition by driver_id order by feature_date)
),

as_of_version as (
    -- the driver version valid just before feature_date starts
    select
        windowed.*,
        signups.signed_up_at,
        drivers.product,
        drivers.city_id,
        drivers.status
    from windowed
    inner join signups on windowed.driver_id = signups.driver_id
    left join drivers
        on
            windowed.driver_id = drivers.driver_id
            and windowed.feature_date > drivers.valid_from
            and (drivers.valid_to is null or windowed.feature_date <= drivers.valid_to)
    where windowed.is_rewritten
)

select
    cast(driver_id as bigint) as driver_id,
    cast(feature_date as date) as feature_date,
    cast(feature_date - cast(signed_up_at as date) as integer) as days_since_signup,
    cast(product as {{ string_type() }}) as product_as_of,
    cast(city_id as bigint) as city_id_as_of,
    cast(status as {{ string_type() }}) as status_as_of,
    cast(trips_completed_7d as bigint) as completed_trips_7d,
    cast(trips_completed_28d as bigint) as completed_trips_28d,
    cast(trips_requested_28d as bigint) as trips_requested_28d,
    cast(
        case
            when trips_requested_28d > 0
                then cast(trips_cancelled_by_driver_28d as decimal(18, 6)) / trips_requested_28d
        end
        as decimal(8, 4)
    ) as cancellation_rate_28d,
    cast(ratings_received_28d as bigint) as ratings_received_28d,
    cast(
        case
            when ratings_received_28d > 0
                then cast(stars_received_28d as decimal(18, 6)) / ratings_received_28d
        end
        as decimal(6, 3)
    ) as avg_rider_stars_28d,
    cast(net_revenue_usd_7d as decimal(16, 2)) as net_revenue_usd_7d,
    cast(net_revenue_usd_28d as decimal(16, 2)) as net_revenue_usd_28d,
    cast(trips_completed_lifetime as bigint) as completed_trips_lifetime,
    cast(trips_requested_lifetime as bigint) as trips_requested_lifetime,
    cast(trips_cancelled_by_driver_lifetime as bigint) as cancelled_by_driver_lifetime,
    cast(ratings_received_lifetime as bigint) as ratings_received_lifetime,
    cast(stars_received_lifetime as bigint) as stars_received_lifetime,
    cast(net_revenue_usd_lifetime as decimal(18, 2)) as net_revenue_usd_lifetime,
    {{ current_build_id() }} as build_id
from as_of_version
