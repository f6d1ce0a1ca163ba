{#- Quarantined rows of one base_rideshare__<table> model in the shape of
    dq_quarantine (rule 2). The raw values are read back from the raw row
    (export and line locate it) only for the few rows shown here, not carried
    through the base models for every row. -#}
{% macro quarantined_rows(table, key_expression) -%}
    select
        '{{ table }}' as source_table,
        cast({{ key_expression }} as varchar) as record_key,
        base.rejection_rule as rule,
        base._batch as batch,
        base._line as line,
        {{ raw_values_json(raw_columns(table), 'raw_row') }} as raw_values
    from {{ ref('base_rideshare__' ~ table) }} as base
    inner join {{ source('rideshare', table) }} as raw_row
        on base._batch = raw_row._batch and base._line = raw_row._line
    where base.disposition = 'quarantined'
{%- endmacro %}

{#- Rows that passed their own table's rules but point at a trip that is not
    in the warehouse; raw values come from the row's kept base version. -#}
{% macro rejected_trip_references(table, checked_model, key_columns, key_expression) -%}
    select
        '{{ table }}' as source_table,
        cast({{ key_expression }} as varchar) as record_key,
        checked.rejection_rule as rule,
        base._batch as batch,
        base._line as line,
        {{ raw_values_json(raw_columns(table), 'raw_row') }} as raw_values
    from {{ ref(checked_model) }} as checked
    inner join {{ ref('base_rideshare__' ~ table) }} as base
        on
            {% for column in key_columns -%}
            checked.{{ column }} = base.{{ column }} and
            {% endfor -%}
            base.disposition = 'kept'
    inner join {{ source('rideshare', table) }} as raw_row
        on base._batch = raw_row._batch and base._line = raw_row._line
    where checked.rejection_rule is not null
{%- endmacro %}
