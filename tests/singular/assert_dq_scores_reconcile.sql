-- dq_scores_overall is, per export, the sum of dq_scores' tables; every raw
-- row is counted once; each quarantined row is invalid in its export.
with

scores as (
    select * from {{ ref('dq_scores') }}
),

per_table as (
    select
        batch,
        sum(total_rows) as total_rows,
        sum(valid_rows) as valid_rows
    from scores
    group by batch
),

overall as (
    select * from {{ ref('dq_scores_overall') }}
),

quarantined as (
    select
        source_table,
        batch,
        count(*) as quarantined_rows
    from {{ ref('dq_quarantine') }}
    group by source_table, batch
)

select 'overall row of ' || coalesce(overall.batch, per_table.batch) as problem
from overall
full outer join per_table on overall.batch = per_table.batch
where
    overall.batch is null
    or per_table.batch is null
    or overall.total_rows <> per_table.total_rows
    or overall.valid_rows <> per_table.valid_rows
union all
select 'quarantine exceeds invalid rows in ' || quarantined.source_table || ' ' || quarantined.batch
from quarantined
left join scores
    on quarantined.source_table = scores.source_table and quarantined.batch = scores.batch
where scores.invalid_rows is null or scores.invalid_rows < quarantined.quarantined_rows
union all
select 'total rows differ from raw'
from (select sum(total_rows) as total_rows from overall) as counted
where
    counted.total_rows <> (
        {% for table in ['cities', 'drivers', 'riders', 'trips', 'payments', 'ratings'] -%}
            (select count(*) from {{ source('rideshare', table) }}){% if not loop.last %} + {% endif %}
        {%- endfor %}
    )
