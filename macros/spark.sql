{#- Spark (dbt-spark, Iceberg tables): what dbt-spark 1.11 lacks for this
    project, as overrides that only the spark target reaches (README
    "Engines: Spark"). -#}

{#- dbt-spark accepts append, merge, insert_overwrite and microbatch only.
    The project's incremental models use delete+insert (their keys hold
    several rows, which merge refuses), added below for Iceberg. -#}
{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) %}
    {%- if raw_strategy == 'delete+insert' -%}
        {%- if file_format != 'iceberg' -%}
            {%- do exceptions.raise_compiler_error('delete+insert needs file_format iceberg on Spark, not ' ~ file_format) -%}
        {%- endif -%}
        {%- do return(raw_strategy) -%}
    {%- endif -%}
    {%- set accepted = ['append', 'merge', 'insert_overwrite', 'microbatch'] -%}
    {%- if raw_strategy not in accepted -%}
        {%- do exceptions.raise_compiler_error('Invalid incremental strategy provided: ' ~ raw_strategy
            ~ '; expected delete+insert or one of ' ~ accepted | join(', ')) -%}
    {%- endif -%}
    {%- if raw_strategy == 'merge' and file_format not in ['delta', 'iceberg', 'hudi'] -%}
        {%- do exceptions.raise_compiler_error('merge needs file_format delta, iceberg or hudi') -%}
    {%- endif -%}
    {%- do return(raw_strategy) -%}
{% endmacro %}

{#- delete+insert on Iceberg, with the semantics of dbt's delete+insert on
    DuckDB and PostgreSQL: the model's select is evaluated once, after the
    pre-hooks and before anything of the target changes (dbt-spark's temporary
    relation is a view, evaluated each time it is read, and the models read
    their own table: so it is first written to a scratch Iceberg table); then
    every target row whose unique key is among the new rows is deleted, the
    new rows are inserted, and the scratch table is dropped. Each step is one
    Iceberg commit; a failure between the delete and the insert leaves the
    keys missing until the next build, which recomputes them (the model's
    change detection reads its parents, not its own table). -#}
{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) %}
    {%- if strategy != 'delete+insert' -%}
        {{ return(spark__dbt_spark_get_incremental_sql_upstream(strategy, source, target, existing, unique_key, incremental_predicates)) }}
    {%- endif -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {%- set scratch = target.incorporate(path={'identifier': target.identifier ~ '__dbt_new'}) -%}
    {%- set dest_columns = adapter.get_columns_in_relation(target) -%}
    {%- set column_list = dest_columns | map(attribute='quoted') | join(', ') -%}
    {%- do run_query('drop table if exists ' ~ scratch) -%}
    {%- do run_query('create table ' ~ scratch ~ ' using iceberg as select * from ' ~ source) -%}
    {%- do run_query('delete from ' ~ target ~ ' where (' ~ keys | join(', ') ~ ') in (select '
        ~ keys | join(', ') ~ ' from ' ~ scratch ~ ')') -%}
    {%- do run_query('insert into ' ~ target ~ ' (' ~ column_list ~ ') select ' ~ column_list ~ ' from ' ~ scratch) -%}
    drop table if exists {{ scratch }}
{% endmacro %}

{#- dbt-spark's own strategies, as dbt-spark 1.11 writes them. -#}
{% macro spark__dbt_spark_get_incremental_sql_upstream(strategy, source, target, existing, unique_key, incremental_predicates) %}
    {%- if strategy == 'append' -%}
        {{ get_insert_into_sql(source, target) }}
    {%- elif strategy in ['insert_overwrite', 'microbatch'] -%}
        {{ get_insert_overwrite_sql(source, target, existing) }}
    {%- elif strategy == 'merge' -%}
        {{ get_merge_sql(target, source, unique_key, dest_columns=none, incremental_predicates=incremental_predicates) }}
    {%- else -%}
        {%- do exceptions.raise_compiler_error('No known SQL for the incremental strategy provided: ' ~ strategy) -%}
    {%- endif -%}
{% endmacro %}

{#- Seeds on Spark. dbt-spark binds every value as a parameter of one long
    insert, which its session cursor turns into literal SQL that Spark then
    parses: ~30 s per 5,000-row seed. So the seed table (created, or dropped
    and created again, by dbt's seed materialization as before) is filled by
    Spark's own CSV reader instead, with the values dbt's CSV reading gives
    (spark_seed_from_csv). When the executors cannot read the driver's files
    (a remote cluster), the rows go in as SQL literals (spark_seed_from_rows).
    WAREHOUSE_SPARK_SEED_READER picks: csv, rows, or auto (default: csv when
    the master is local or on this host, rows otherwise). -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set path = model['root_path'] ~ '/' ~ model['original_file_path'] -%}
    {%- if spark_seed_reader(path) == 'csv' -%}
        {{ return(spark_seed_from_csv(model, agate_table, path)) }}
    {%- endif -%}
    {{ return(spark_seed_from_rows(model, agate_table)) }}
{% endmacro %}

{#- csv or rows, for a seed file at PATH (see spark__load_csv_rows). -#}
{% macro spark_seed_reader(path) %}
    {%- set choice = env_var('WAREHOUSE_SPARK_SEED_READER', 'auto') | lower -%}
    {%- if choice in ['csv', 'rows'] -%}
        {{ return(choice) }}
    {%- elif choice != 'auto' -%}
        {%- do exceptions.raise_compiler_error('WAREHOUSE_SPARK_SEED_READER must be auto, csv or rows, not ' ~ choice) -%}
    {%- endif -%}
    {#- Hadoop reads glob characters in a path as a pattern -#}
    {%- for char in '*?[]{}\\' -%}
        {%- if char in path -%}
            {{ return('rows') }}
        {%- endif -%}
    {%- endfor -%}
    {%- set master = run_query('set spark.master').columns[1].values()[0] | lower -%}
    {%- set host = master.split('://')[-1].split(':')[0] -%}
    {{ return('csv' if master.startswith('local') or host in ['localhost', '127.0.0.1'] else 'rows') }}
{% endmacro %}

{#- The seed file read by Spark, every column as text, then cast to its
    column's type, like the literal rows: the options are the bulk loader's
    (RFC 4180 quoting, quoted line breaks; FAILFAST, so a record Spark cannot
    parse stops the seed). dbt's own CSV reading (agate, with column_types on
    every column) makes a value NULL when, stripped of whitespace, it is empty
    or 'null' in any case, and keeps every other value as written: the same
    rule here. The row count is checked against dbt's reading, so a file the
    two readers split differently (a blank line: a NULL row for dbt, none for
    Spark) fails instead of loading other rows. -#}
{% macro spark_seed_from_csv(model, agate_table, path) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set view = this.identifier ~ '__dbt_csv' -%}
    {#- Python's str.strip(): Unicode White_Space and U+001C-U+001F -#}
    {%- set space = '(?:' ~ whitespace_class() ~ '|[\\\\x1c-\\\\x1f])*' -%}
    {%- set nullish = '^' ~ space ~ '(?i:null)?' ~ space ~ '$' -%}
    {%- set view_sql -%}
        create or replace temporary view {{ view }} (
            {%- for col_name in agate_table.column_names %}c{{ loop.index0 }} string{% if not loop.last %}, {% endif %}{% endfor -%}
        ) using csv options (
            path {{ spark_literal('file://' ~ path) }}, header 'true', multiLine 'true', quote '"', escape '"',
            mode 'FAILFAST', encoding 'UTF-8'
        )
    {%- endset -%}
    {%- set sql -%}
        insert into {{ this.render() }}
        select
            {% for col_name in agate_table.column_names -%}
                cast(case when c{{ loop.index0 }} rlike '{{ nullish }}' then null else c{{ loop.index0 }} end
                    as {{ spark_type(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) }})
                {%- if not loop.last %},{% endif %}
            {% endfor -%}
        from {{ view }}
    {%- endset -%}
    {%- do run_query(view_sql) -%}
    {%- do run_query(sql) -%}
    {%- set loaded = run_query('select count(*) from ' ~ this.render()).columns[0].values()[0] -%}
    {%- do run_query('drop view if exists ' ~ view) -%}
    {%- if loaded != agate_table.rows | length -%}
        {%- do exceptions.raise_compiler_error('Seed ' ~ path ~ ': Spark read ' ~ loaded ~ ' rows, dbt '
            ~ agate_table.rows | length ~ '; set WAREHOUSE_SPARK_SEED_READER=rows to load it as literal rows') -%}
    {%- endif -%}
    {{ return(view_sql ~ ';\n' ~ sql) }}
{% endmacro %}

{#- The rows as SQL literals, not bindings (dbt-spark's session cursor binds
    a None parameter as the text 'None', so an empty field would land as
    'None'): NULL for an empty field, every other value as escaped text cast
    to its column's type. -#}
{% macro spark_seed_from_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do types.append(spark_type(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    cast({{ spark_literal(value) }} as {{ types[loop.index0] }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}

{#- A seed value as a Spark SQL literal: null, or text with backslashes and
    quotes escaped (Spark reads backslash escapes in literals). -#}
{% macro spark_literal(value) -%}
    {%- if value is none -%}
        null
    {%- else -%}
        '{{ (value | string) | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}

{#- A type written for the other engines (varchar, text) as Spark spells it
    (string_type): seed column types and the contracts' data types say
    varchar, the engine's text type. -#}
{% macro spark_type(type) -%}
    {{ return(string_type() if type | lower in ['varchar', 'text'] else type) }}
{%- endmacro %}

{#- dbt-spark's seed table, with the column types through spark_type. -#}
{% macro spark__create_csv_table(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {%- set sql -%}
        create table {{ this.render() }} (
            {%- for col_name in agate_table.column_names -%}
                {%- set type = spark_type(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
                {{ adapter.quote_seed_column(col_name | string, quote_seed_column) }} {{ type }}
                {%- if not loop.last %}, {% endif -%}
            {%- endfor -%}
        )
        {{ file_format_clause() }}
    {%- endset -%}
    {%- call statement('_') -%}
        {{ sql }}
    {%- endcall -%}
    {{ return(sql) }}
{% endmacro %}

{#- dbt's cast(), which contracts use for the data types the YAML declares
    (get_empty_schema_sql): varchar there is Spark's string. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spark_type(type) }})
{%- endmacro %}
