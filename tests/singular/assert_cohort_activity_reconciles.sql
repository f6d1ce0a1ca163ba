-- mart_rider_cohorts: the active riders of all cohorts in a month are exactly
-- the known riders with a completed trip that month (a trip before the UTC
-- signup month counting in the signup month), and no cohort has more active
-- riders than members.
with

cohorts as (
    select * from {{ ref('mart_rider_cohorts') }}
),

known_riders as (
    select
        rider_id,
        cast(date_trunc('month', signed_up_at) as date) as cohort_month
    from {{ ref('dim_riders') }}
    where is_current and rider_version_key <> '-1'
),

rider_months as (
    select distinct
        trips.rider_id,
        greatest(cast(date_trunc('month', trips.local_date) as date), known_riders.cohort_month) as activity_month
    from {{ ref('fct_trips') }} as trips
    inner join known_riders on trips.rider_id = known_riders.rider_id
    where trips.is_completed
),

active_per_month as (
    select
        activity_month,
        count(*) as active_riders
    from rider_months
    group by activity_month
),

cohort_totals as (
    select
        activity_month,
        sum(active_riders) as active_riders
    from cohorts
    group by activity_month
)

select cast(coalesce(cohort_totals.activity_month, active_per_month.activity_month) as {{ string_type() }}) as problem
from cohort_totals
full outer join active_per_month on cohort_totals.activity_month = active_per_month.activity_month
where coalesce(cohort_totals.active_riders, 0) <> coalesce(active_per_month.active_riders, 0)
union all
select 'cohort ' || cast(cohort_month as {{ string_type() }}) || ' has more active than members'
from cohorts
where active_riders > cohort_riders
