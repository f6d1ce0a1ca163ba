{#- Layers live in fixed schemas (raw, staging, intermediate, marts, ...) on
    every target, as the spec fixes them; no target-name prefix. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
