{#- Change detection for the incremental facts. Every raw row carries
    _loaded_at; a fact row records the newest load its build had seen
    (loaded_through), so the raw rows to process are those loaded after the
    table's max(loaded_through). Reading the lineage column is the one place
    outside staging that reads source(): staging models hide _loaded_at, and a
    filter on it is what keeps a daily batch's cost proportional to the batch. -#}

{% macro raw_watermark() -%}
    (
        select max(loads.loaded_at)
        from (
            {% for table in raw_tables() -%}
            select max(_loaded_at) as loaded_at from {{ source('rideshare', table) }}
            {% if not loop.last %}union all{% endif %}
            {% endfor %}
        ) as loads
    )
{%- endmacro %}

{#- Newest load the current table has seen: max(loaded_through) for models
    that stamp their rows, max(_loaded_at) for the base models, which keep it. -#}
{% macro previous_watermark(column='loaded_through') -%}
    (select coalesce(max({{ column }}), cast('1900-01-01 00:00:00' as timestamp)) from {{ this }})
{%- endmacro %}

{% macro raw_keys_loaded_since_last_build(table, key_column) -%}
    select {{ key_column }}
    from {{ source('rideshare', table) }}
    where _loaded_at > {{ previous_watermark() }}
{%- endmacro %}

{#- The raw rows a base model ranks. A full build reads them all; an
    incremental one reads every row of each key that has a row loaded since
    the model's last build (ranking a key needs all its versions) and the new
    rows without a key (quarantined as they arrive, never re-ranked). With
    unique_key = KEY_COLUMN, delete+insert then swaps those keys' rows. -#}
{% macro raw_rows_to_rank(table, key_column) -%}
    select * from {{ source('rideshare', table) }}
    {%- if is_incremental() %}
        where
            _loaded_at > {{ previous_watermark('_loaded_at') }}
            or {{ key_column }} in (
                select {{ key_column }} from {{ source('rideshare', table) }}
                where _loaded_at > {{ previous_watermark('_loaded_at') }}
            )
    {%- endif %}
{%- endmacro %}
