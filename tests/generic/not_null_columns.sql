{#- Fails when any of the named columns holds a null: one row per such
    column (column_name, null_rows), its failure count the total of null
    rows. It replaces one `not_null` test per column with one node and one
    query per model (issue 16: dbt's own cost per test node was most of a
    small build's test time). Each column keeps its own `is null` branch,
    as dbt's `not_null` has it: PostgreSQL answers a key column's from its
    index, DuckDB from its row groups' null statistics, where one scan
    counting every column would read the whole table. Declared at model
    level:

        data_tests:
          - not_null_columns:
              name: not_null_<model>
              arguments:
                column_names: [trip_id, requested_at]
-#}
{% test not_null_columns(model, column_names) %}
    {{ config(fail_calc='coalesce(sum(null_rows), 0)') }}

    {% for column_name in column_names -%}
        select
            '{{ column_name }}' as column_name,
            count(*) as null_rows
        from {{ model }}
        where {{ column_name }} is null
        having count(*) > 0
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
{% endtest %}
