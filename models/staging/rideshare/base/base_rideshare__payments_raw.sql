-- depends_on: {{ ref('payments') }}
{#- A real dependency dbt cannot see: the sample seed `payments` writes the raw
    table this view reads, so the seed must run first. #}
{{ raw_rows_as_exported('payments') }}
