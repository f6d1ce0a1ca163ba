-- One row per calendar day: whole months from the month before the first trip
-- to the month after the last one, so late and local-time dates still match.
with

trips as (
    select * from {{ ref('int_trips_versioned') }}
),

bounds as (
    select
        cast(date_trunc('month', min(requested_at)) - interval '1 month' as date) as start_day,
        cast(date_trunc('month', max(requested_at)) + interval '2 month' - interval '1 day' as date) as end_day
    from trips
),

days as (
    select {{ day_series('bounds.start_day', 'bounds.end_day') }} as day_ts
    from bounds
),

calendar as (
    select cast(day_ts as date) as date_day
    from days
)

select
    date_day,
    cast(extract(year from date_day) as integer) as year,
    cast(extract(quarter from date_day) as integer) as quarter,
    cast(extract(month from date_day) as integer) as month,
    cast(date_trunc('month', date_day) as date) as month_start,
    cast(extract(day from date_day) as integer) as day_of_month,
    cast({{ iso_day_of_week("date_day") }} as integer) as day_of_week,
    {{ iso_day_of_week("date_day") }} in (6, 7) as is_weekend
from calendar
