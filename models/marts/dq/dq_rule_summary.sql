-- dq_quarantine summarised: rows per source table and rule, and the exports
-- they came from.
with

quarantine as (
    select * from {{ ref('dq_quarantine') }}
)

select
    cast(source_table as {{ string_type() }}) as source_table,
    cast(rule as {{ string_type() }}) as rule,
    cast(count(*) as bigint) as quarantined_rows,
    cast(count(distinct batch) as bigint) as exports,
    cast(min(batch) as {{ string_type() }}) as first_batch,
    cast(max(batch) as {{ string_type() }}) as last_batch
from quarantine
group by source_table, rule
