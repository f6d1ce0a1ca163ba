{#- Rule 3: warns when more than max_share of the rows point at the unknown
    member; the row it returns reports how many do and their share. A warning,
    not an error: a trip whose driver has not arrived yet is normal, and it
    must not stop the marts. Over the whole table, even on an incremental
    build (meta test_scope: whole_table, see macros/test_scope.sql): a share
    of the few rows a small batch wrote says nothing. -#}
{% test unknown_member_share(model, column_name, unknown_value, max_share) %}
    {{ config(severity='warn', meta={'test_scope': 'whole_table'}) }}
    with

    counted as (
        select
            count(*) as total_rows,
            sum(case when {{ column_name }} = {{ unknown_value }} then 1 else 0 end) as unknown_rows
        from {{ model }}
    )

    select
        total_rows,
        unknown_rows,
        cast(unknown_rows as decimal(18, 6)) / nullif(total_rows, 0) as unknown_share
    from counted
    where unknown_rows > {{ max_share }} * total_rows
{% endtest %}
