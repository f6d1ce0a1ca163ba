-- depends_on: {{ ref('riders') }}
{#- A real dependency dbt cannot see: the sample seed `riders` writes the raw
    table this view reads, so the seed must run first. #}
{{ raw_rows_as_exported('riders') }}
