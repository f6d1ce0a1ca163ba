{#- Every base row has exactly one known disposition, and a quarantined row
    always names its rule. -#}
{% test valid_dispositions(model) %}
    select *
    from {{ model }}
    where
        disposition not in ('kept', 'superseded', 'quarantined')
        or disposition is null
        or (disposition = 'quarantined' and rejection_rule is null)
        or (disposition = 'kept' and rejection_rule is not null)
{% endtest %}
