{#- One macro per dialect concept; models call these, never engine checks. -#}

{#- A UTC timestamp as wall-clock time in an IANA timezone (same SQL on both). -#}
{% macro utc_to_local(column, timezone) -%}
    (({{ column }} at time zone 'UTC') at time zone {{ timezone }})
{%- endmacro %}

{#- Minutes from one timestamp to a later one, as decimal(18, 2): wide enough
    for any span either engine can hold (rule 8: no kept value overflows). -#}
{% macro minutes_between(start_column, end_column) -%}
    {{ return(adapter.dispatch('minutes_between', 'ridehail')(start_column, end_column)) }}
{%- endmacro %}

{% macro duckdb__minutes_between(start_column, end_column) -%}
    cast(date_diff('second', {{ start_column }}, {{ end_column }}) / 60.0 as decimal(18, 2))
{%- endmacro %}

{% macro postgres__minutes_between(start_column, end_column) -%}
    cast(extract(epoch from ({{ end_column }} - {{ start_column }})) / 60.0 as decimal(18, 2))
{%- endmacro %}

{#- Unicode canonical composition (NFC): "sa" + U+0303 + "o" -> "são".
    PostgreSQL's normalize() needs a UTF8 database (the contract's encoding). -#}
{% macro nfc(column) -%}
    {{ return(adapter.dispatch('nfc', 'ridehail')(column)) }}
{%- endmacro %}

{% macro duckdb__nfc(column) -%}
    nfc_normalize({{ column }})
{%- endmacro %}

{% macro postgres__nfc(column) -%}
    normalize({{ column }}, nfc)
{%- endmacro %}

{#- The words of a text split on single spaces, each split on hyphens, every
    part as upper(first character) || rest, joined back with the same
    separators: the one title-case rule of macros/raw_values.sql (title_case)
    spelled in each dialect. PostgreSQL's initcap is not used: it starts a
    word after any non-alphanumeric character (an apostrophe, a combining
    accent: "SãO"). The input is already lower-cased, NFC, single-spaced. -#}
{% macro capitalise_words(column) -%}
    {{ return(adapter.dispatch('capitalise_words', 'ridehail')(column)) }}
{%- endmacro %}

{% macro duckdb__capitalise_words(column) -%}
    array_to_string(
        list_transform(
            string_split({{ column }}, ' '),
            lambda word: array_to_string(
                list_transform(string_split(word, '-'), lambda part: upper(left(part, 1)) || substr(part, 2)),
                '-'
            )
        ),
        ' '
    )
{%- endmacro %}

{% macro postgres__capitalise_words(column) -%}
    case
        when {{ column }} = '' then ''
        else (
            select string_agg(
                (
                    select string_agg(upper(left(parts.part, 1)) || substr(parts.part, 2), '-' order by parts.n)
                    from unnest(string_to_array(words.word, '-')) with ordinality as parts (part, n)
                ),
                ' ' order by words.n
            )
            from unnest(string_to_array({{ column }}, ' ')) with ordinality as words (word, n)
        )
    end
{%- endmacro %}

{#- Stable text surrogate key: md5 of the parts joined by '|' (nulls as ''). -#}
{% macro surrogate_key(columns) -%}
    md5(
        {%- for column in columns %}
        coalesce(cast({{ column }} as varchar), '')
        {%- if not loop.last %} || '|' || {% endif -%}
        {%- endfor %}
    )
{%- endmacro %}

{#- The raw row as a JSON object text, built by hand so both engines print
    the very same string (their JSON functions differ in spacing and order). -#}
{% macro raw_values_json(columns, relation_alias) -%}
    '{' ||
    {%- for column in columns %}
    '"{{ column }}":' || coalesce(
        '"' || replace(replace(cast({{ relation_alias }}.{{ column }} as varchar), '\', '\\'), '"', '\"') || '"',
        'null'
    )
    {%- if not loop.last %} || ',' ||{% endif -%}
    {%- endfor %}
    || '}'
{%- endmacro %}

{#- A set-returning select expression: one timestamp per day from start to
    end inclusive. Use it in the select list over a one-row bounds relation. -#}
{% macro day_series(start_date, end_date) -%}
    {{ return(adapter.dispatch('day_series', 'ridehail')(start_date, end_date)) }}
{%- endmacro %}

{% macro duckdb__day_series(start_date, end_date) -%}
    unnest(generate_series(cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval 1 day))
{%- endmacro %}

{% macro postgres__day_series(start_date, end_date) -%}
    generate_series(cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval '1 day')
{%- endmacro %}

{#- True when COLUMN (text) matches the regular expression PATTERN anywhere
    (null for null text). -#}
{% macro matches_regex(column, pattern) -%}
    {{ return(adapter.dispatch('matches_regex', 'ridehail')(column, pattern)) }}
{%- endmacro %}

{% macro duckdb__matches_regex(column, pattern) -%}
    regexp_matches({{ column }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__matches_regex(column, pattern) -%}
    ({{ column }} ~ '{{ pattern }}')
{%- endmacro %}

{#- When a snapshot learned a version (dbt_valid_from, dbt_updated_at): UTC,
    whatever the session's time zone (TZ on DuckDB, PGTZ or the server's
    setting on PostgreSQL), like every timestamp in the warehouse. Overrides
    dbt's global macro, which both adapters implement as local wall-clock time. -#}
{% macro snapshot_get_time() -%}
    cast(current_timestamp at time zone 'UTC' as timestamp)
{%- endmacro %}
