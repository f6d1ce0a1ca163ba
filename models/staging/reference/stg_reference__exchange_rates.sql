with

rates as (
    select * from {{ ref('exchange_rates') }}
)

select
    upper(trim(currency)) as currency,
    cast(rate_month as date) as rate_month,
    cast(usd_per_unit as decimal(18, 8)) as usd_per_unit
from rates
