-- mart_rider_cohorts: the active riders of all cohorts in a month are exactly
-- the known riders with a completed trip that month, and no cohort has more
-- active riders than members.
with

cohorts as (
    select * from {{ ref('mart_rider_cohorts') }}
),

known_riders as (
    select distinct rider_id
    from {{ ref('dim_riders') }}
    where rider_version_key <> '-1'
),

active_per_month as (
    select
        cast(date_trunc('month', trips.local_date) as date) as activity_month,
        count(distinct trips.rider_id) as active_riders
    from {{ ref('fct_trips') }} as trips
    inner join known_riders on trips.rider_id = known_riders.rider_id
    where trips.is_completed
    group by cast(date_trunc('month', trips.local_date) as date)
),

cohort_totals as (
    select
        activity_month,
        sum(active_riders) as active_riders
    from cohorts
    group by activity_month
)

select cast(coalesce(cohort_totals.activity_month, active_per_month.activity_month) as varchar) as problem
from cohort_totals
full outer join active_per_month on cohort_totals.activity_month = active_per_month.activity_month
where coalesce(cohort_totals.active_riders, 0) <> coalesce(active_per_month.active_riders, 0)
union all
select 'cohort ' || cast(cohort_month as varchar) || ' has more active than members'
from cohorts
where active_riders > cohort_riders
