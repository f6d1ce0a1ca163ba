-- Rider retention by signup cohort: for each signup month (UTC) and each
-- later local calendar month with trips, how many of the cohort's riders
-- completed at least one trip, as a share of the cohort. Every cohort gets a
-- row for every activity month from its signup month on, zeros included.
-- Signup months are UTC and trip months local, so a trip in the first local
-- hours after a UTC signup can fall in the month before; it counts as
-- activity in the signup month.
with

riders as (
    select * from {{ ref('dim_riders') }}
    where is_current and rider_version_key <> '-1'
),

trips as (
    select * from {{ ref('fct_trips') }}
),

cohorts as (
    select
        rider_id,
        cast(date_trunc('month', signed_up_at) as date) as cohort_month
    from riders
),

cohort_sizes as (
    select
        cohort_month,
        count(*) as cohort_riders
    from cohorts
    group by cohort_month
),

activity_months as (
    select distinct cast(date_trunc('month', local_date) as date) as activity_month
    from trips
),

active as (
    select distinct
        rider_id,
        cast(date_trunc('month', local_date) as date) as activity_month
    from trips
    where is_completed
),

active_per_cohort as (
    select
        cohorts.cohort_month,
        greatest(active.activity_month, cohorts.cohort_month) as activity_month,
        count(distinct active.rider_id) as active_riders
    from active
    inner join cohorts on active.rider_id = cohorts.rider_id
    group by cohorts.cohort_month, greatest(active.activity_month, cohorts.cohort_month)
),

grid as (
    select
        cohort_sizes.cohort_month,
        cohort_sizes.cohort_riders,
        activity_months.activity_month
    from cohort_sizes
    inner join activity_months on cohort_sizes.cohort_month <= activity_months.activity_month
)

select
    cast(grid.cohort_month as date) as cohort_month,
    cast(grid.activity_month as date) as activity_month,
    cast(
        (extract(year from grid.activity_month) - extract(year from grid.cohort_month)) * 12
        + extract(month from grid.activity_month) - extract(month from grid.cohort_month)
        as integer
    ) as months_since_signup,
    cast(grid.cohort_riders as bigint) as cohort_riders,
    cast(coalesce(active_per_cohort.active_riders, 0) as bigint) as active_riders,
    cast(round(100.0 * coalesce(active_per_cohort.active_riders, 0) / grid.cohort_riders, 2) as decimal(6, 2))
        as retention_pct
from grid
left join active_per_cohort
    on
        grid.cohort_month = active_per_cohort.cohort_month
        and grid.activity_month = active_per_cohort.activity_month
