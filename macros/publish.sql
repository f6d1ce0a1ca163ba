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
    {%- set previous = previous_publish(final) -%}
    {%- set marker = api.Relation.create(schema='ops', identifier='published') -%}
    {#- in Python (plugins/ridehail_publish.py): delete the copies of earlier
        publishes that failed, then, with a previous read copy, start from it
        (a sequential file copy) to bring it up to date -#}
    {%- do adapter.store_relation('ridehail_publish', marker, [], tmp, 'duckdb',
        {'start_from': final, 'copy': previous is not none}) -%}
    {%- do run_query("attach '" ~ tmp ~ "' as " ~ alias) -%}
    {%- for schema in schemas + ['ops'] -%}
        {%- do run_query("create schema if not exists " ~ alias ~ "." ~ schema) -%}
    {%- endfor -%}
    {%- if previous -%}
        {%- set updated = update_read_copy(alias, tables, previous.build_id) -%}
        {%- set delta_publishes = previous.delta_publishes + 1 -%}
    {%- else -%}
        {%- for row in tables.rows -%}
            {%- do run_query("create table " ~ alias ~ "." ~ row[0] ~ "." ~ row[1]
                ~ " as select * from " ~ row[0] ~ "." ~ row[1]) -%}
        {%- endfor -%}
        {%- set updated = [] -%}
        {%- set delta_publishes = 0 -%}
    {%- endif -%}
    {#- which build readers see: select * from ops.published -#}
    {%- do run_query("create or replace table " ~ alias ~ ".ops.published as select " ~ build_id ~ " as build_id, '"
        ~ invocation_id ~ "' as invocation_id, cast(current_timestamp at time zone 'UTC' as timestamp) as published_at, "
        ~ delta_publishes ~ " as delta_publishes") -%}
    {%- do run_query("checkpoint " ~ alias) -%}
    {%- do run_query("detach " ~ alias) -%}
    {#- the rename, in Python: plugins/ridehail_publish.py -#}
    {%- do adapter.store_relation('ridehail_publish', marker, [], final, 'duckdb', {'tmp': tmp}) -%}
    {{ log('Published ' ~ tables.rows | length ~ ' tables of build ' ~ build_id ~ ' to ' ~ final
        ~ (' (' ~ updated | length ~ ' brought up to date from build ' ~ previous.build_id ~ ': ' ~ updated | join(', ') ~ ')' if previous else '')
        ~ ' in ' ~ '%.1f' | format((modules.datetime.datetime.now() - started).total_seconds()) ~ ' s', info=true) }}
{%- endmacro %}

{#- The published copy FINAL can be brought up to date instead of rewritten
    when it was published from this build file (its build is in
    ops.dbt_builds with the same invocation), this is not a full refresh
    (every row is new), and fewer than var publish_full_copy_every publishes
    in a row were deltas (deleted rows leave free space in a DuckDB file; a
    full copy compacts it). Returns {build_id, delta_publishes} or none. -#}
{% macro previous_publish(final) -%}
    {%- if flags.FULL_REFRESH or run_query("select count(*) from glob('" ~ final ~ "')").columns[0].values()[0] == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- do run_query("attach '" ~ final ~ "' as ridehail_previous (read_only)") -%}
    {#- a copy published before delta publishes existed has no delta_publishes: copy whole -#}
    {%- set has_counter = run_query("select count(*) from duckdb_columns() where database_name = 'ridehail_previous'"
        ~ " and schema_name = 'ops' and table_name = 'published' and column_name = 'delta_publishes'").columns[0].values()[0] -%}
    {%- set published = run_query(
        "select p.build_id, p.delta_publishes from ridehail_previous.ops.published as p"
        ~ " inner join ops.dbt_builds as b on p.build_id = b.build_id and p.invocation_id = b.invocation_id"
    ) if has_counter else none -%}
    {%- do run_query("detach ridehail_previous") -%}
    {%- if published and published.rows | length == 1 and published.rows[0][1] < var('publish_full_copy_every', 30) -%}
        {{ return({'build_id': published.rows[0][0], 'delta_publishes': published.rows[0][1]}) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{#- Brings the read copy attached as ALIAS (a copy of the one published by
    build PREVIOUS) to the build file's state of TABLES (schema, name rows).
    An incremental model with a unique_key and a build_id column whose
    columns are unchanged gets only its rows written after PREVIOUS: every
    write to such a table stamps its rows with the writing build's id, so
    rows at or below PREVIOUS are the ones already published. Its keys are
    replaced with their current rows; rows whose key is gone from the build
    file (the copy then has more rows) are deleted. Every other table is
    copied whole; tables no longer published are dropped. Returns the
    tables brought up to date by their changes. -#}
{% macro update_read_copy(alias, tables, previous) -%}
    {%- set wanted = [] -%}
    {%- for row in tables.rows -%}
        {%- do wanted.append(row[0] ~ '.' ~ row[1]) -%}
    {%- endfor -%}
    {%- set in_copy = run_query("select schema_name || '.' || table_name from duckdb_tables() where database_name = '" ~ alias ~ "'").columns[0].values() -%}
    {%- for relation in in_copy if relation not in wanted -%}
        {%- do run_query("drop table " ~ alias ~ "." ~ relation) -%}
    {%- endfor -%}
    {%- set columns_of = "select string_agg(column_name || ' ' || data_type, ', ' order by column_index) from duckdb_columns()"
        ~ " where database_name = {} and schema_name = '{}' and table_name = '{}'" -%}
    {%- set updated = [] -%}
    {%- for row in tables.rows -%}
        {%- set relation = row[0] ~ '.' ~ row[1] -%}
        {%- set keys = incremental_key_of(row[0], row[1]) -%}
        {%- set columns = run_query(columns_of.format('current_database()', row[0], row[1])).columns[0].values()[0] -%}
        {%- set copied_columns = run_query(columns_of.format("'" ~ alias ~ "'", row[0], row[1])).columns[0].values()[0] -%}
        {%- if keys and columns == copied_columns and (' ' ~ columns).find(' build_id ') >= 0 -%}
            {%- set key_list = keys | join(', ') -%}
            {%- do run_query("delete from " ~ alias ~ "." ~ relation ~ " where (" ~ key_list ~ ") in (select " ~ key_list
                ~ " from " ~ relation ~ " where build_id > " ~ previous ~ ")") -%}
            {%- do run_query("insert into " ~ alias ~ "." ~ relation ~ " select * from " ~ relation ~ " where build_id > " ~ previous) -%}
            {%- set counts = row_counts(alias, relation) -%}
            {%- if counts[0] > counts[1] -%}
                {%- set matches = [] -%}
                {%- for key in keys -%}
                    {%- do matches.append('current_rows.' ~ key ~ ' = published.' ~ key) -%}
                {%- endfor -%}
                {%- do run_query("delete from " ~ alias ~ "." ~ relation ~ " as published where not exists (select 1 from "
                    ~ relation ~ " as current_rows where " ~ matches | join(' and ') ~ ")") -%}
                {%- set counts = row_counts(alias, relation) -%}
            {%- endif -%}
            {%- if counts[0] != counts[1] -%}
                {#- a write that did not stamp its rows: never expected; copy whole -#}
                {{ log('Read copy: ' ~ relation ~ ' has ' ~ counts[0] ~ ' rows after its changes, the build file '
                    ~ counts[1] ~ '; copied whole', info=true) }}
                {%- do run_query("create or replace table " ~ alias ~ "." ~ relation ~ " as select * from " ~ relation) -%}
            {%- else -%}
                {%- do updated.append(row[1]) -%}
            {%- endif -%}
        {%- else -%}
            {%- do run_query("create or replace table " ~ alias ~ "." ~ relation ~ " as select * from " ~ relation) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(updated) }}
{%- endmacro %}

{#- The unique_key columns of the incremental model built as SCHEMA.NAME,
    or none for any other relation. -#}
{% macro incremental_key_of(schema, name) -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.schema == schema and node.alias == name
        and node.config.materialized == 'incremental' and node.config.unique_key -%}
        {%- set key = node.config.unique_key -%}
        {{ return([key] if key is string else key) }}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{#- (rows in the read copy attached as ALIAS, rows in the build file) of RELATION -#}
{% macro row_counts(alias, relation) -%}
    {{ return(run_query("select (select count(*) from " ~ alias ~ "." ~ relation ~ "), (select count(*) from " ~ relation ~ ")").rows[0]) }}
{%- endmacro %}
