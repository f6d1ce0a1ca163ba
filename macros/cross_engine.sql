{#- One macro per dialect concept; models call these, never engine checks. -#}

{#- A `YYYY-MM-DD HH:MM:SS` text as a timestamp, null when it does not parse. -#}
{% macro safe_timestamp(column) -%}
    {{ return(adapter.dispatch('safe_timestamp', 'ridehail')(column)) }}
{%- endmacro %}

{% macro duckdb__safe_timestamp(column) -%}
    try_strptime(trim({{ column }}), '%Y-%m-%d %H:%M:%S')
{%- endmacro %}

{% macro postgres__safe_timestamp(column) -%}
    case
        when trim({{ column }}) ~ '^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$'
            and pg_input_is_valid(trim({{ column }}), 'timestamp')
            then cast(trim({{ column }}) as timestamp)
    end
{%- endmacro %}

{#- A `YYYY-MM-DD` text as a date, null when it does not parse. -#}
{% macro safe_date(column) -%}
    {{ return(adapter.dispatch('safe_date', 'ridehail')(column)) }}
{%- endmacro %}

{% macro duckdb__safe_date(column) -%}
    cast(try_strptime(trim({{ column }}), '%Y-%m-%d') as date)
{%- endmacro %}

{% macro postgres__safe_date(column) -%}
    case
        when trim({{ column }}) ~ '^\d{4}-\d{2}-\d{2}$'
            and pg_input_is_valid(trim({{ column }}), 'date')
            then cast(trim({{ column }}) as date)
    end
{%- endmacro %}

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

{#- Words in title case: "  nEW yORK" -> "New York" (names are space separated). -#}
{% macro title_case(column) -%}
    {{ return(adapter.dispatch('title_case', 'ridehail')(column)) }}
{%- endmacro %}

{% macro duckdb__title_case(column) -%}
    array_to_string(
        list_transform(
            string_split(regexp_replace(lower(trim({{ column }})), '\s+', ' ', 'g'), ' '),
            lambda word: upper(left(word, 1)) || substr(word, 2)
        ),
        ' '
    )
{%- endmacro %}

{% macro postgres__title_case(column) -%}
    initcap(regexp_replace(lower(trim({{ column }})), '\s+', ' ', 'g'))
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

{#- A money amount as written in raw (text, rule 5): a decimal(12, 2) when the
    text is a plain decimal number with at most 10 integer digits and at most
    the currency's 2 minor units (trailing zeros aside), else null; never an
    error and never rounded. -#}
{% macro safe_amount(column) -%}
    case
        when
            {{ matches_regex('trim(' ~ column ~ ')', '^[+-]?[0-9]{1,10}([.][0-9]+)?$') }}
            and not {{ has_excess_decimals(column) }}
            then cast(trim({{ column }}) as decimal(12, 2))
    end
{%- endmacro %}

{#- True when a raw amount is a number with a non-zero digit past the
    currency's 2 minor units: 10.005 or 10.0001, not 10.50 or 10.500. -#}
{% macro has_excess_decimals(column) -%}
    coalesce({{ matches_regex('trim(' ~ column ~ ')', '^[+-]?[0-9]*[.][0-9]{2}0*[1-9][0-9]*$') }}, false)
{%- endmacro %}

{#- When a snapshot learned a version (dbt_valid_from, dbt_updated_at): UTC,
    whatever the session's time zone (TZ on DuckDB, PGTZ or the server's
    setting on PostgreSQL), like every timestamp in the warehouse. Overrides
    dbt's global macro, which both adapters implement as local wall-clock time. -#}
{% macro snapshot_get_time() -%}
    cast(current_timestamp at time zone 'UTC' as timestamp)
{%- endmacro %}
