-- depends_on: {{ ref('ratings') }}
{#- A real dependency dbt cannot see: the sample seed `ratings` writes the raw
    table this view reads, so the seed must run first. #}
{{ raw_rows_as_exported('ratings') }}
