-- Completed trips bucketed by duration (rule 7), shortest bucket first.
with

trips as (
    select * from {{ ref('fct_trips') }}
),

bucketed as (
    select
        case
            when duration_min < 10 then '00-10 min'
            when duration_min < 20 then '10-20 min'
            when duration_min < 30 then '20-30 min'
            when duration_min < 45 then '30-45 min'
            else '45+ min'
        end as duration_bucket
    from trips
    where is_completed
)

select
    duration_bucket,
    count(*) as completed_trips
from bucketed
group by duration_bucket
order by duration_bucket
