-- depends_on: {{ ref('trips') }}
{#- A real dependency dbt cannot see: the sample seed `trips` writes the raw
    table this view reads, so the seed must run first. #}
{{ raw_rows_as_exported('trips') }}
