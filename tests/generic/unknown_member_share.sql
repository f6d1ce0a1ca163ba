{#- Rule 3: fails when more than max_share of the rows point at the unknown
    member; the failing row reports how many do and their share. -#}
{% test unknown_member_share(model, column_name, unknown_value, max_share) %}
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
