-- depends_on: {{ ref('cities') }}
{#- A real dependency dbt cannot see: the sample seed `cities` writes the raw
    table this view reads, so the seed must run first. #}
{{ raw_rows_as_exported('cities') }}
