-- Data quality score per export over all its tables: the rows of
-- dq_scores added up per export, score = valid rows / total rows x 100.
with

scores as (
    select * from {{ ref('dq_scores') }}
),

per_export as (
    select
        batch,
        count(*) as source_tables,
        sum(total_rows) as total_rows,
        sum(valid_rows) as valid_rows
    from scores
    group by batch
)

select
    cast(batch as {{ string_type() }}) as batch,
    cast(source_tables as bigint) as source_tables,
    cast(total_rows as bigint) as total_rows,
    cast(valid_rows as bigint) as valid_rows,
    cast(total_rows - valid_rows as bigint) as invalid_rows,
    cast(round(100.0 * valid_rows / total_rows, 2) as decimal(6, 2)) as score
from per_export
