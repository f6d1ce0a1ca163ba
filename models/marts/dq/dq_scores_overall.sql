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
    {{ dq_score_columns('total_rows', 'valid_rows') }}
from per_export
