{#- Data tests of an incremental model (or of a model with meta test_scope:
    latest_build, such as the staging views over the incremental base tables)
    check, on an incremental build, only the rows that build wrote (the newest
    build_id stamp), so a daily build's tests cost in proportion to the
    batch. A full refresh (or a first build) stamps every row alike, so it
    tests every row. A test with meta test_scope: whole_table (a threshold
    over the whole table) always reads every row. A test's own `where` config still applies. Overrides
    dbt's get_where_subquery, which wraps the tested model of every generic
    test. -#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- if config.get('where') -%}
        {%- do conditions.append(config.get('where')) -%}
    {%- endif -%}
    {%- set meta = config.get('meta') -%}
    {%- set whole_table = meta is mapping and meta.get('test_scope') == 'whole_table' -%}
    {%- if not flags.FULL_REFRESH and not whole_table and is_scoped_to_latest_build(relation) -%}
        {%- do conditions.append(written_by_latest_build(relation)) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{% macro is_scoped_to_latest_build(relation) -%}
    {%- if execute and relation.identifier -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model'
            and (node.config.materialized == 'incremental' or node.config.meta.get('test_scope') == 'latest_build')
            and node.alias | lower == relation.identifier | lower
            and node.schema | lower == relation.schema | lower -%}
            {%- do return(true) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do return(false) -%}
{%- endmacro %}

{#- Rows of an incremental model its latest build wrote (every row on a full
    refresh): the scope of tests that would otherwise read the whole table.
    Singular tests call it directly. -#}
{% macro written_by_latest_build(relation) -%}
    {%- if flags.FULL_REFRESH -%}
        true
    {%- else -%}
        build_id = (select max(build_id) from {{ relation }})
    {%- endif -%}
{%- endmacro %}
