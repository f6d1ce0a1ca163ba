{#- Contract columns of a raw source table, read from its documentation in
    _rideshare__sources.yml (lineage columns _batch/_line excluded). -#}
{% macro raw_columns(table) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set node = graph.sources['source.ridehail.rideshare.' ~ table] -%}
    {{ return(node.columns.keys() | reject('in', ['_batch', '_line']) | list) }}
{%- endmacro %}

{#- Newest version first: by updated_at, then the later export and line, so a
    resent copy or a same-instant rewrite resolves the same way everywhere.
    Rows with an unparseable updated_at rank after every parseable one. -#}
{% macro version_rank(key_columns, updated_at='updated_at') -%}
    row_number() over (
        partition by {{ key_columns | join(', ') }}
        order by {{ updated_at }} desc nulls last, _batch desc, _line desc
    )
{%- endmacro %}

{#- What happens to one raw row (rules 1 and 2):
    quarantined - it breaks a rule and is the newest version of its key, or it
                  cannot be ranked at all (no key, no parseable updated_at);
    superseded  - an older version of its key, or a resent copy;
    kept        - the newest, valid version: what staging passes on. -#}
{% macro version_disposition(rejection_rule, version_rank, rankable) -%}
    case
        when not ({{ rankable }}) then 'quarantined'
        when {{ version_rank }} > 1 then 'superseded'
        when {{ rejection_rule }} is not null then 'quarantined'
        else 'kept'
    end
{%- endmacro %}

{#- Rule for a row that points at a trip, given the joined int_trip_references
    alias: unknown_trip when no export ever carried the trip, trip_quarantined
    when the trip itself was quarantined. -#}
{% macro trip_reference_rule(references_alias) -%}
    case
        when {{ references_alias }}.trip_id is null then 'unknown_trip'
        when not {{ references_alias }}.is_in_warehouse then 'trip_quarantined'
    end
{%- endmacro %}
