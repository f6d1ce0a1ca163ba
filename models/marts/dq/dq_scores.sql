-- Data quality score per source table and export: valid rows / total rows
-- x 100 (one grain: the whole export is dq_scores_overall). A row is invalid
-- when it breaks a row rule (even as a superseded copy) or sits in
-- dq_quarantine (which adds the cross-table rules).
{% set tables = raw_tables() %}
with

raw_rows as (
    {% for table in tables -%}
        select
            '{{ table }}' as source_table,
            _batch as batch,
            _load_id as load_id,
            _line as line,
            rejection_rule
        from {{ ref('base_rideshare__' ~ table) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

quarantine as (
    select * from {{ ref('dq_quarantine') }}
),

judged as (
    select
        raw_rows.source_table,
        raw_rows.batch,
        raw_rows.rejection_rule is null and quarantine.rule is null as is_valid
    from raw_rows
    left join quarantine
        on
            raw_rows.source_table = quarantine.source_table
            and raw_rows.load_id = quarantine.load_id
            and raw_rows.line = quarantine.line
),

per_table as (
    select
        source_table,
        batch,
        count(*) as total_rows,
        sum(case when is_valid then 1 else 0 end) as valid_rows
    from judged
    group by source_table, batch
)

select
    cast(source_table as {{ string_type() }}) as source_table,
    cast(batch as {{ string_type() }}) as batch,
    {{ dq_score_columns('total_rows', 'valid_rows') }}
from per_table
