{#- Change detection for the incremental models: the incremental_builds doc
    block (models/incremental.md) explains the design. In short: loads carry
    a load id handed out in commit order; base models (staging, the only
    readers of raw) re-rank every raw row of a key with a load they have not
    seen; every incremental model stamps the rows it writes with the id of
    the warehouse build (ops.dbt_builds) and learns what changed from its
    parents' rows stamped after its own newest stamp. -#}

{#- The current build's id: one number for every model of a dbt invocation,
    handed out by the database (register_build, on-run-start), larger than
    any earlier build's. A literal, so engines can prune on it. -#}
{% macro current_build_id() -%}
    {#- compile, show, docs and sqlfluff run no hooks and write nothing: 0 -#}
    {%- if execute and flags.WHICH in ['run', 'build', 'test', 'snapshot', 'retry'] -%}
        {%- set result = run_query(
            "select max(build_id) from ops.dbt_builds where invocation_id = '" ~ invocation_id ~ "'"
        ) -%}
        {%- set build_id = result.columns[0].values()[0] -%}
        {%- if build_id is none -%}
            {{ exceptions.raise_compiler_error("No row for this invocation in ops.dbt_builds: the on-run-start hook register_build() did not run") }}
        {%- endif -%}
        cast({{ build_id }} as bigint)
    {%- else -%}
        cast(0 as bigint)
    {%- endif -%}
{%- endmacro %}

{#- on-run-start: a new row in ops.dbt_builds (build id from a sequence). -#}
{% macro register_build() -%}
    {{ return(adapter.dispatch('register_build', 'ridehail')()) }}
{%- endmacro %}

{% macro default__register_build() -%}
    create schema if not exists ops;
    create sequence if not exists ops.dbt_build_id_seq;
    create table if not exists ops.dbt_builds (build_id bigint, invocation_id varchar(64), started_at timestamp);
    insert into ops.dbt_builds
    select nextval('ops.dbt_build_id_seq'), '{{ invocation_id }}', cast(current_timestamp at time zone 'UTC' as timestamp);
{%- endmacro %}

{#- Spark has no sequences, and a hook runs one statement: the build id is
    the largest so far + 1, written by one Iceberg commit. Iceberg commits
    are optimistic: a second dbt build writing at the same moment fails its
    commit instead of taking the same id (one build at a time, as on DuckDB).
    Runs its statements itself; the hook's own SQL is empty. -#}
{% macro spark__register_build() -%}
    {%- if execute -%}
        {%- do run_query('create schema if not exists ops') -%}
        {%- do run_query('create table if not exists ops.dbt_builds (build_id bigint, invocation_id string, started_at timestamp) using iceberg') -%}
        {%- do run_query("insert into ops.dbt_builds select coalesce(max(build_id), 0) + 1, '" ~ invocation_id ~ "', "
            ~ utc_now() ~ " from ops.dbt_builds") -%}
    {%- endif -%}
{%- endmacro %}

{#- The newest build that wrote the current model's table (0 when empty),
    read once when the model is compiled, before its pre-hook deletes the
    changed keys: the hook and the model then see the same changes. -#}
{% macro previous_build_id() -%}
    {%- if execute and is_incremental() -%}
        {%- set result = run_query('select coalesce(max(build_id), 0) from ' ~ this) -%}
        cast({{ result.columns[0].values()[0] }} as bigint)
    {%- else -%}
        cast(0 as bigint)
    {%- endif -%}
{%- endmacro %}

{#- The raw rows a base model ranks. A full build reads them all; an
    incremental one reads every row of each key with a row from a load the
    model has not seen (ranking a key needs all its versions) and the new
    rows without a key (quarantined as they arrive, never re-ranked). The
    model keeps each raw row's _load_id, so max(_load_id) is the newest load
    it saw: loads commit in load-id order, so no load can appear below it
    later. Two branches rather than "new or key in (...)": PostgreSQL cannot
    turn an IN inside an OR into a hash join and rescans the subquery. -#}
{% macro raw_rows_to_rank(table, key_column) -%}
    select * from {{ source('rideshare', table) }}
    {%- if is_incremental() %}
        where {{ key_column }} in (
            select {{ key_column }} from {{ source('rideshare', table) }}
            where _load_id > (select coalesce(max(_load_id), 0) from {{ this }})
        )
        union all
        select * from {{ source('rideshare', table) }}
        where {{ key_column }} is null and _load_id > (select coalesce(max(_load_id), 0) from {{ this }})
    {%- endif %}
{%- endmacro %}

{#- Keys of base_rideshare__TABLE rewritten by a build after the current
    model's last one: every key with a new raw row, whatever its fate (kept,
    superseded or quarantined), so a key that leaves is told like one that
    arrives. -#}
{% macro keys_rebuilt_since_last_build(table, key_column) -%}
    select {{ key_column }} from {{ ref('base_rideshare__' ~ table) }}
    where build_id > {{ previous_build_id() }}
{%- endmacro %}

{#- On an incremental build, "where build_id > the current model's newest
    stamp"; nothing on a full build. -#}
{% macro where_rebuilt_since_last_build() -%}
    {%- if is_incremental() -%}
        where build_id > {{ previous_build_id() }}
    {%- endif -%}
{%- endmacro %}

{#- On an incremental build, "and RELATION.build_id > the current model's
    newest stamp"; nothing on a full build. -#}
{% macro and_rebuilt_since_last_build(relation) -%}
    {%- if is_incremental() -%}
        and {{ relation }}.build_id > {{ previous_build_id() }}
    {%- endif -%}
{%- endmacro %}

{#- Trips int_trip_changes logged since the current model's last build. -#}
{% macro trips_changed_since_last_build() -%}
    select trip_id from {{ ref('int_trip_changes') }}
    where build_id > {{ previous_build_id() }}
{%- endmacro %}

{#- Payments whose checked row may have changed since the current model's
    last build: those with a new raw row, and those of changed trips (a
    trip's quarantine decides its payments'). -#}
{% macro payments_changed_since_last_build() -%}
    {{ keys_rebuilt_since_last_build('payments', 'payment_id') }}
    union
    select payment_id from {{ ref('stg_rideshare__payments') }}
    where trip_id in ({{ trips_changed_since_last_build() }})
{%- endmacro %}

{#- Pre-hook of an incremental model: deletes the rows of the keys the build
    is about to recompute, so a key that now has no row (quarantined, moved,
    emptied) goes too. CHANGED is the select of those keys. -#}
{% macro delete_changed(key_columns, changed) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where ({{ key_columns | join(', ') }}) in ({{ changed }})
    {%- endif -%}
{%- endmacro %}

{#- On an incremental build, keeps an import CTE to the keys of the touched
    CTE; renders nothing on a full build. -#}
{% macro where_touched(column, touched='touched') -%}
    {%- if is_incremental() -%}
        where {{ column }} in (select {{ touched }}.{{ column }} from {{ touched }})
    {%- endif -%}
{%- endmacro %}

{#- On an incremental build, a condition keeping rows whose (driver, day)
    is in the touched CTE (its day column DATE_COLUMN: a month for monthly
    models); nothing on a full build. -#}
{% macro and_driver_day_touched(driver_column, date_expression, date_column='activity_date') -%}
    {%- if is_incremental() -%}
        and ({{ driver_column }}, {{ date_expression }}) in (select touched.driver_id, touched.{{ date_column }} from touched)
    {%- endif -%}
{%- endmacro %}

{#- On an incremental build, keeps an import CTE to the days in the touched
    (driver, day) CTE, so the joins after it stay small; nothing on a full
    build. -#}
{% macro and_day_touched(date_expression) -%}
    {%- if is_incremental() -%}
        and {{ date_expression }} in (select touched.activity_date from touched)
    {%- endif -%}
{%- endmacro %}

{#- Post-hook for a model keyed by an entity whose rows can all go (every
    version of a driver quarantined): on an incremental build, deletes the
    keys no longer in RELATION, except rows matching KEEP (an unknown
    member). -#}
{% macro delete_keys_missing_from(relation, key_column, keep='false') -%}
    {#- a full build wrote only keys in RELATION: nothing to delete -#}
    {%- if is_incremental() -%}
        delete from {{ this }} as current_rows
        where
            not ({{ keep }})
            and not exists (
                select 1 from {{ relation }} as source_rows
                where source_rows.{{ key_column }} = current_rows.{{ key_column }}
            )
    {%- endif -%}
{%- endmacro %}

{#- Driver-days int_driver_day_changes logged since the current model's last
    build. -#}
{% macro driver_days_changed_since_last_build() -%}
    select driver_id, activity_date from {{ ref('int_driver_day_changes') }}
    where build_id > {{ previous_build_id() }}
{%- endmacro %}

{#- Drivers whose versions dim_drivers rewrote since the current model's
    last build (the unknown member, rewritten by every build, excluded). -#}
{% macro drivers_rewritten_since_last_build() -%}
    select driver_id from {{ ref('dim_drivers') }}
    where build_id > {{ previous_build_id() }} and driver_id <> -1
{%- endmacro %}

{#- For int_trips_versioned: the trips base_rideshare__trips rewrote since
    its last build, and the kept trips whose driver, rider or city has a
    version rewritten since (their point-in-time version or timezone may
    differ). Read from staging, not from the model's own table, which the
    pre-hook has already thinned when the model's select runs. -#}
{% macro trips_rewritten_or_reversioned_since_last_build() -%}
    {{ keys_rebuilt_since_last_build('trips', 'trip_id') }}
    {% for table, key in [('drivers', 'driver_id'), ('riders', 'rider_id'), ('cities', 'city_id')] -%}
        union
        select trip_id from {{ ref('stg_rideshare__trips') }}
        where {{ key }} in ({{ keys_rebuilt_since_last_build(table, key) }})
    {% endfor %}
{%- endmacro %}

{#- For fct_trips: the trips int_trip_changes logged since its last build
    and those int_trips_versioned rewrote since (re-versioned trips). -#}
{% macro fact_trips_changed_since_last_build() -%}
    {{ trips_changed_since_last_build() }}
    union
    select trip_id from {{ ref('int_trips_versioned') }}
    where build_id > {{ previous_build_id() }}
{%- endmacro %}

{#- For int_driver_monthly_activity: the (driver, local month) pairs whose
    trips fct_trips rewrote or deleted since the current model's last build.
    Every raw version of those trips counts with its driver and the months
    of the day before and the day after its request (a local date is within
    14 hours of the UTC one, so its month is one of those two), so a trip
    that moved to another driver or month, or left fct_trips, is told too. -#}
{% macro driver_months_changed_since_last_build() -%}
    {%- for shift in ['-', '+'] %}
        {%- if not loop.first %}
    union
        {%- endif %}
    select
        driver_id,
        cast(date_trunc('month', requested_at {{ shift }} interval '1 day') as date) as month
    from {{ ref('base_rideshare__trips') }}
    where
        driver_id is not null
        and requested_at is not null
        and trip_id in ({{ fact_trips_changed_since_last_build() }})
    {%- endfor %}
{%- endmacro %}

{#- Post-hook of every model (dbt_project.yml). On PostgreSQL, after an
    incremental table is written:
    - ANALYZE it. Children filter it on "build_id > N" with N a literal; with
      statistics from before this build's rows arrived, the planner believes
      no row matches (every analysed row has an older build_id), picks nested
      loops, and an incremental build at 1M trips ran for tens of minutes.
    - index what change detection reads: build_id (a child's "build_id > N",
      the model's own max(build_id)), the unique key (the pre-hook's and
      delete+insert's deletes by key) and, on base models, _load_id (their
      max(_load_id)). The var change_detection_indexes: false leaves them out
      (the benchmark compares both). A mart whose primary key constraint is
      its unique key already has that index (its `_pkey`).
    Nothing on DuckDB (it keeps its statistics current, zone maps already
    prune on build_id, and ART indexes slow bulk inserts; the marts' primary
    keys are the only ART indexes) or on other materializations. -#}
{% macro prepare_for_change_detection() -%}
    {%- if target.type == 'postgres' and model.config.materialized == 'incremental' -%}
        {%- if var('change_detection_indexes', true) -%}
            {%- set unique_key = model.config.unique_key -%}
            {%- set key_columns = [unique_key] if unique_key is string else unique_key -%}
            {%- set index_columns = [['build_id']] -%}
            {%- set primary_keys = (model.constraints or []) | selectattr('type', 'equalto', 'primary_key')
                | map(attribute='columns') | list -%}
            {%- if key_columns not in primary_keys -%}
                {%- do index_columns.append(key_columns) -%}
            {%- endif -%}
            {%- if model.name.startswith('base_') -%}
                {%- do index_columns.append(['_load_id']) -%}
            {%- endif -%}
            {%- for columns in index_columns -%}
                create index if not exists {{ this.identifier }}__{{ columns | join('__') }}_idx
                on {{ this }} ({{ columns | join(', ') }});
            {% endfor -%}
        {%- endif %}
        analyze {{ this }};
    {%- endif -%}
{%- endmacro %}
