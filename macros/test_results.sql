{#- on-run-end: one row per data test in audit.test_results, its latest
    run, beside the failing rows that store_failures keeps in audit.<test>
    (README "Failed tests an analyst can look at"). Rendered as the hook's
    SQL, so dbt commits it on both engines. -#}
{% macro record_test_results(results) -%}
    {%- if execute and flags.WHICH in ['build', 'test', 'retry'] -%}
        {%- set ids = [] -%}
        {%- set rows = [] -%}
        {%- for result in results if result.node.resource_type == 'test' -%}
            {%- set node = result.node -%}
            {%- do ids.append("'" ~ node.unique_id | replace("'", "''") ~ "'") -%}
            {%- do rows.append("(" ~ ids[-1] ~ ", '" ~ node.name | replace("'", "''") ~ "', '"
                ~ (node.attached_node or '') | replace("'", "''") ~ "', '" ~ result.status ~ "', "
                ~ (result.failures if result.failures is not none else 'null') ~ ", "
                ~ ("'audit." ~ node.alias ~ "'" if node.config.store_failures else 'null') ~ ", '"
                ~ invocation_id ~ "', cast(current_timestamp at time zone 'UTC' as timestamp))") -%}
        {%- endfor -%}
        {%- if rows and target.type == 'spark' %}
            {#- Spark runs one statement per call -#}
            {%- do run_query('create schema if not exists audit') -%}
            {%- do run_query('create table if not exists audit.test_results (test_id string, test_name string,'
                ~ ' tested_node string, status string, failures bigint, failing_rows string, invocation_id string,'
                ~ ' tested_at timestamp) using iceberg') -%}
            {%- for chunk in ids | batch(500) -%}
                {%- do run_query('delete from audit.test_results where test_id in (' ~ chunk | join(', ') ~ ')') -%}
            {%- endfor -%}
            {#- an inline table holds constants only: the time is added by the select -#}
            {%- for chunk in rows | batch(500) -%}
                {%- do run_query('insert into audit.test_results select test_id, test_name, tested_node, status,'
                    ~ ' failures, failing_rows, invocation_id, ' ~ utc_now() ~ ' from values '
                    ~ chunk | join(', ') | replace("cast(current_timestamp at time zone 'UTC' as timestamp)", 'null')
                    ~ ' as v (test_id, test_name, tested_node, status, failures, failing_rows, invocation_id, tested_at)') -%}
            {%- endfor -%}
        {%- elif rows %}
            create schema if not exists audit;
            create table if not exists audit.test_results (
                test_id varchar(512), test_name varchar(512), tested_node varchar(512), status varchar(32),
                failures bigint, failing_rows varchar(512), invocation_id varchar(64), tested_at timestamp
            );
            {% for chunk in ids | batch(500) -%}
                delete from audit.test_results where test_id in ({{ chunk | join(', ') }});
            {% endfor -%}
            {% for chunk in rows | batch(500) -%}
                insert into audit.test_results values {{ chunk | join(', ') }};
            {% endfor -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
