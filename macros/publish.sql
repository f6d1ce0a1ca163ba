{#- The DuckDB read path (README "Reading while a build runs").

    dbt builds into the build file (warehouse.duckdb, or WAREHOUSE_DUCKDB_PATH),
    which only the running dbt process can open. After a command that changed
    the warehouse ends with no error, no failed test and nothing skipped, this
    on-run-end hook copies the schemas readers use (var publish_schemas) into
    a new file and renames it over the read path (warehouse_read.duckdb next
    to the build file, or WAREHOUSE_READ_PATH). Readers open the read path
    read-only: they see the previous complete build until the rename, the new
    one after, never a mix, and they never hold a lock the build needs. A
    failed command publishes nothing. -#}

{% macro read_path() -%}
    {#- the same rule as the duckdb_read profile target and scripts/sql.py -#}
    {{- env_var('WAREHOUSE_READ_PATH', '') or (target.path | replace('.duckdb', '') ~ '_read.duckdb') -}}
{%- endmacro %}

{% macro publish_read_copy(results) -%}
    {#- commands that write the warehouse; compile, docs, show... publish nothing -#}
    {%- if execute and target.type == 'duckdb' and flags.WHICH in ['build', 'run', 'seed', 'snapshot', 'retry'] -%}
        {%- set failed = [] -%}
        {%- for result in results if result.status in ['error', 'fail', 'skipped', 'runtime error'] -%}
            {%- do failed.append(result.node.name) -%}
        {%- endfor -%}
        {%- if failed -%}
            {{ log('Read copy not published: ' ~ failed | length ~ ' node(s) failed or were skipped (' ~ failed[:5] | join(', ') ~ '); readers keep the previous build', info=true) }}
        {%- else -%}
            {%- do publish_read_copy_now() -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro publish_read_copy_now() -%}
    {%- set final = read_path() -%}
    {%- set build_id = run_query("select max(build_id) from ops.dbt_builds where invocation_id = '" ~ invocation_id ~ "'").columns[0].values()[0] -%}
    {%- set tmp = final ~ '.' ~ invocation_id ~ '.tmp' -%}
    {%- set alias = 'ridehail_publish' -%}
    {%- set started = modules.datetime.datetime.now() -%}
    {%- set schemas = var('publish_schemas') -%}
    {#- audit holds one relation per data test, nearly all empty: copy the
        tables with failing rows and test_results only -#}
    {%- set tables = run_query(
        "select t.table_schema, t.table_name from information_schema.tables as t"
        ~ " left join duckdb_tables() as d on t.table_catalog = d.database_name"
        ~ " and t.table_schema = d.schema_name and t.table_name = d.table_name"
        ~ " where t.table_catalog = current_database() and t.table_schema in ('" ~ schemas | join("', '") ~ "')"
        ~ " and (t.table_schema <> 'audit' or t.table_name = 'test_results' or d.estimated_size > 0)"
        ~ " order by 1, 2"
    ) -%}
    {%- do run_query("attach '" ~ tmp ~ "' as " ~ alias) -%}
    {%- for schema in schemas -%}
        {%- do run_query("create schema " ~ alias ~ "." ~ schema) -%}
    {%- endfor -%}
    {%- for row in tables.rows -%}
        {%- do run_query("create table " ~ alias ~ "." ~ row[0] ~ "." ~ row[1]
            ~ " as select * from " ~ row[0] ~ "." ~ row[1]) -%}
    {%- endfor -%}
    {#- which build readers see: select * from ops.published -#}
    {%- do run_query("create schema if not exists " ~ alias ~ ".ops") -%}
    {%- do run_query("create table " ~ alias ~ ".ops.published as select " ~ build_id ~ " as build_id, '"
        ~ invocation_id ~ "' as invocation_id, cast(current_timestamp at time zone 'UTC' as timestamp) as published_at") -%}
    {%- do run_query("checkpoint " ~ alias) -%}
    {%- do run_query("detach " ~ alias) -%}
    {#- the rename, in Python: plugins/ridehail_publish.py -#}
    {%- set marker = api.Relation.create(schema='ops', identifier='published') -%}
    {%- do adapter.store_relation('ridehail_publish', marker, [], final, 'duckdb', {'tmp': tmp}) -%}
    {{ log('Published ' ~ tables.rows | length ~ ' tables of build ' ~ build_id ~ ' to ' ~ final ~ ' in '
        ~ '%.1f' | format((modules.datetime.datetime.now() - started).total_seconds()) ~ ' s', info=true) }}
{%- endmacro %}
