{#- Quarantined rows of one base_rideshare__<table> model in the shape of
    dq_quarantine (rule 2). The raw values are read back from the raw row
    (load and line locate it, in the
    base_rideshare__<table>_raw view) only for the few rows shown here, not carried
    through the base models for every row. -#}
{% macro quarantined_rows(table, key_expression) -%}
    select
        '{{ table }}' as source_table,
        cast({{ key_expression }} as {{ string_type() }}) as record_key,
        base.rejection_rule as rule,
        base._batch as batch,
        base._load_id as load_id,
        base._line as line,
        {{ raw_values_json(raw_columns(table), 'raw_row') }} as raw_values
    from {{ ref('base_rideshare__' ~ table) }} as base
    inner join {{ ref('base_rideshare__' ~ table ~ '_raw') }} as raw_row
        on base._load_id = raw_row._load_id and base._line = raw_row._line
    where base.disposition = 'quarantined'
{%- endmacro %}

{#- Rows that passed their own table's rules but point at a trip that is not
    in the warehouse; raw values come from the row's kept base version. -#}
{% macro rejected_trip_references(table, checked_model, key_columns, key_expression) -%}
    select
        '{{ table }}' as source_table,
        cast({{ key_expression }} as {{ string_type() }}) as record_key,
        checked.rejection_rule as rule,
        base._batch as batch,
        base._load_id as load_id,
        base._line as line,
        {{ raw_values_json(raw_columns(table), 'raw_row') }} as raw_values
    from {{ ref(checked_model) }} as checked
    inner join {{ ref('base_rideshare__' ~ table) }} as base
        on
            {% for column in key_columns -%}
            checked.{{ column }} = base.{{ column }} and
            {% endfor -%}
            base.disposition = 'kept'
    inner join {{ ref('base_rideshare__' ~ table ~ '_raw') }} as raw_row
        on base._load_id = raw_row._load_id and base._line = raw_row._line
    where checked.rejection_rule is not null
{%- endmacro %}

{#- A base_rideshare__<table>_raw view: the raw rows as exported (contract
    columns) with the load and line that locate them, for dq_quarantine to
    read a rejected row's values back. A view: only the few rows joined are
    read. -#}
{% macro raw_rows_as_exported(table) -%}
    {{ config(materialized='view') }}
    select
        _load_id,
        _line,
        {{ raw_columns(table) | join(',\n        ') }}
    from {{ source('rideshare', table) }}
{%- endmacro %}

{#- The counts and score columns of dq_scores and dq_scores_overall, from the
    expressions TOTAL (rows) and VALID (rows breaking no rule): score = valid
    / total x 100, two decimals. -#}
{% macro dq_score_columns(total, valid) -%}
    cast({{ total }} as bigint) as total_rows,
    cast({{ valid }} as bigint) as valid_rows,
    cast({{ total }} - {{ valid }} as bigint) as invalid_rows,
    cast(round(100.0 * {{ valid }} / {{ total }}, 2) as decimal(6, 2)) as score
{%- endmacro %}
