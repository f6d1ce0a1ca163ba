-- depends_on: {{ ref('drivers') }}
{#- A real dependency dbt cannot see: the sample seed `drivers` writes the raw
    table this view reads, so the seed must run first. #}
{{ raw_rows_as_exported('drivers') }}
