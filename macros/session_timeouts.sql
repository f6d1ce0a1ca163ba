{#- PostgreSQL: nobody waits forever (README "Reading while a build runs").

    A build replaces a table by renaming, which needs an ACCESS EXCLUSIVE
    lock: it waits for every analyst query still reading the old table,
    and while it waits every new query on that table waits behind it. So
    each statement dbt runs gives up after WAREHOUSE_PG_LOCK_TIMEOUT
    (default 2min) waiting for a lock, and after WAREHOUSE_PG_STATEMENT_TIMEOUT
    (default 1h) of running: the model fails with PostgreSQL's "canceling
    statement due to lock timeout", the rest of the build goes on or is
    skipped, and the next build starts over. dbt-postgres 1.11's profile has
    no field for session settings (its libpq `options` carries search_path
    only), so a pre-hook sets them on the connection of every model, seed
    and snapshot, and on-run-start on the connection of the hooks. Data
    tests only read: they wait only behind another build's rename. -#}
{% macro session_timeouts() -%}
    {%- if target.type == 'postgres' -%}
        set lock_timeout = '{{ env_var("WAREHOUSE_PG_LOCK_TIMEOUT", "2min") }}';
        set statement_timeout = '{{ env_var("WAREHOUSE_PG_STATEMENT_TIMEOUT", "1h") }}';
        {#- memory per sort or hash (the server's default 4MB spills the base
            models' version ranking and the marts' windows to disk), and per
            index build (prepare_for_change_detection): issue 16 -#}
        set work_mem = '{{ env_var("WAREHOUSE_PG_WORK_MEM", "256MB") }}';
        set maintenance_work_mem = '{{ env_var("WAREHOUSE_PG_MAINTENANCE_WORK_MEM", "512MB") }}';
    {%- endif -%}
{%- endmacro %}

{#- on-run-end: say plainly why a model failed on a lock, and who holds it now. -#}
{% macro explain_lock_timeouts(results) -%}
    {%- if execute and target.type == 'postgres' -%}
        {%- for result in results if result.status == 'error' and 'lock timeout' in (result.message or '') -%}
            {{ log('Model ' ~ result.node.name ~ ' gave up after waiting WAREHOUSE_PG_LOCK_TIMEOUT ('
                ~ env_var('WAREHOUSE_PG_LOCK_TIMEOUT', '2min') ~ ') for a lock that another session holds'
                ~ ' (a long query or an open transaction on the table). Nothing of it changed; run the build again'
                ~ ' once that session ends. Sessions holding locks on the marts now:', info=true) }}
            {%- set holders = run_query(
                "select distinct a.pid, a.usename, a.application_name, a.state, left(a.query, 80) as query"
                ~ " from pg_locks as l inner join pg_class as c on l.relation = c.oid"
                ~ " inner join pg_namespace as n on c.relnamespace = n.oid"
                ~ " inner join pg_stat_activity as a on l.pid = a.pid"
                ~ " where l.granted and n.nspname = 'marts' and a.pid <> pg_backend_pid()"
            ) -%}
            {%- for row in holders.rows -%}
                {{ log('  pid ' ~ row[0] ~ ' user ' ~ row[1] ~ ' app ' ~ row[2] ~ ' (' ~ row[3] ~ '): ' ~ row[4], info=true) }}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
