{#- Quarantined rows of one base_rideshare__<table> model in the shape of
    dq_quarantine (rule 2). -#}
{% macro quarantined_rows(table, key_expression) -%}
    select
        '{{ table }}' as source_table,
        cast({{ key_expression }} as varchar) as record_key,
        rejection_rule as rule,
        _batch as batch,
        _line as line,
        raw_values
    from {{ ref('base_rideshare__' ~ table) }}
    where disposition = 'quarantined'
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
        base.raw_values
    from {{ ref(checked_model) }} as checked
    inner join {{ ref('base_rideshare__' ~ table) }} as base
        on
            {% for column in key_columns -%}
            checked.{{ column }} = base.{{ column }} and
            {% endfor -%}
            base.disposition = 'kept'
    where checked.rejection_rule is not null
{%- endmacro %}
