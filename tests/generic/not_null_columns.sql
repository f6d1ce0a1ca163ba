{#- Fails when any of the named columns holds a null: one row per such
    column (column_name, null_rows), its failure count the total of null
    rows. It replaces one `not_null` test per column with one query per
    model, a single scan that counts every column's nulls at once (issue
    16: each data test costs a node and a query in every build). Declared
    at model level:

        data_tests:
          - not_null_columns:
              arguments:
                column_names: [trip_id, requested_at]
-#}
{% test not_null_columns(model, column_names) %}
    {{ config(fail_calc='coalesce(sum(null_rows), 0)') }}

    with

    null_counts as (
        select
            {% for column_name in column_names -%}
                count(*) - count({{ column_name }}) as null_rows_{{ loop.index }}{{ ',' if not loop.last }}
            {% endfor %}
        from {{ model }}
    ),

    by_column as (
        {% for column_name in column_names -%}
            select
                '{{ column_name }}' as column_name,
                null_rows_{{ loop.index }} as null_rows
            from null_counts
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    )

    select
        column_name,
        null_rows
    from by_column
    where null_rows > 0
{% endtest %}
