-- The semantic layer's daily time spine (dbt 1.12 `time_spine` config in
-- _semantic__models.yml): one row per calendar day of dim_dates, which spans
-- whole months around the trips' dates.
with

dates as (
    select * from {{ ref('dim_dates') }}
)

select cast(date_day as date) as date_day
from dates
