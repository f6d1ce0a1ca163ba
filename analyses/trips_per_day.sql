-- Trips per local day across all cities (rule 6: the trip's city timezone).
with

trips as (
    select * from {{ ref('fct_trips') }}
)

select
    local_date,
    count(*) as trips,
    sum(case when is_completed then 1 else 0 end) as completed_trips
from trips
group by local_date
order by local_date
