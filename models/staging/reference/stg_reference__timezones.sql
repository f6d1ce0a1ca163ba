with

timezones as (
    select * from {{ ref('timezones') }}
)

select timezone
from timezones
