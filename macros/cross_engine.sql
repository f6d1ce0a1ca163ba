{#- One macro per dialect concept; models call these, never engine checks. -#}

{#- A UTC timestamp as wall-clock time in an IANA timezone (the same SQL on
    DuckDB and PostgreSQL; Spark has its own function). -#}
{% macro utc_to_local(column, timezone) -%}
    {{ return(adapter.dispatch('utc_to_local', 'ridehail')(column, timezone)) }}
{%- endmacro %}

{% macro default__utc_to_local(column, timezone) -%}
    (({{ column }} at time zone 'UTC') at time zone {{ timezone }})
{%- endmacro %}

{#- Spark's timestamps are instants shown in the session time zone (UTC in
    the profile): from_utc_timestamp gives the wall-clock time in TIMEZONE. -#}
{% macro spark__utc_to_local(column, timezone) -%}
    from_utc_timestamp({{ column }}, {{ timezone }})
{%- endmacro %}

{#- Minutes from one timestamp to a later one, as decimal(18, 2): wide enough
    for any span either engine can hold (rule 8: no kept value overflows). -#}
{% macro minutes_between(start_column, end_column) -%}
    {{ return(adapter.dispatch('minutes_between', 'ridehail')(start_column, end_column)) }}
{%- endmacro %}

{% macro duckdb__minutes_between(start_column, end_column) -%}
    cast(date_diff('second', {{ start_column }}, {{ end_column }}) / 60.0 as decimal(18, 2))
{%- endmacro %}

{% macro spark__minutes_between(start_column, end_column) -%}
    cast((unix_timestamp({{ end_column }}) - unix_timestamp({{ start_column }})) / 60.0 as decimal(18, 2))
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

{#- Spark SQL has no Unicode normalisation: java.text.Normalizer through a
    one-method class (scripts/spark/TextRules.java, compiled into
    .spark/jars/ridehail-text-rules.jar by make install-spark, shipped with
    spark.jars). -#}
{% macro spark__nfc(column) -%}
    java_method('ridehail.TextRules', 'nfc', {{ column }})
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

{% macro spark__capitalise_words(column) -%}
    array_join(
        transform(
            split({{ column }}, ' ', -1),
            word -> array_join(transform(split(word, '-', -1), part -> upper(left(part, 1)) || substr(part, 2)), '-')
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
        coalesce(cast({{ column }} as {{ string_type() }}), '')
        {%- if not loop.last %} || '|' || {% endif -%}
        {%- endfor %}
    )
{%- endmacro %}

{#- The raw row as a JSON object text, built by hand so both engines print
    the very same string (their JSON functions differ in spacing and order). -#}
{% macro raw_values_json(columns, relation_alias) -%}
    {{ return(adapter.dispatch('raw_values_json', 'ridehail')(columns, relation_alias)) }}
{%- endmacro %}

{% macro default__raw_values_json(columns, relation_alias) -%}
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

{#- Spark reads a backslash in a string literal as an escape: '\\' is one
    backslash there, so the same JSON text needs other literals. -#}
{% macro spark__raw_values_json(columns, relation_alias) -%}
    '{' ||
    {%- for column in columns %}
    '"{{ column }}":' || coalesce(
        '"' || replace(replace(cast({{ relation_alias }}.{{ column }} as string), '\\', '\\\\'), '"', '\\"') || '"',
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

{% macro spark__day_series(start_date, end_date) -%}
    explode(sequence(cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval 1 day))
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

{% macro spark__matches_regex(column, pattern) -%}
    ({{ column }} rlike '{{ pattern }}')
{%- endmacro %}

{% macro postgres__matches_regex(column, pattern) -%}
    ({{ column }} ~ '{{ pattern }}')
{%- endmacro %}

{#- When a snapshot learned a version (dbt_valid_from, dbt_updated_at): UTC,
    whatever the session's time zone (TZ on DuckDB, PGTZ or the server's
    setting on PostgreSQL), like every timestamp in the warehouse. Overrides
    dbt's global macro, which both adapters implement as local wall-clock time. -#}
{% macro snapshot_get_time() -%}
    {{ utc_now() }}
{%- endmacro %}

{#- The current time as a UTC timestamp, whatever the session's time zone. -#}
{% macro utc_now() -%}
    {{ return(adapter.dispatch('utc_now', 'ridehail')()) }}
{%- endmacro %}

{% macro default__utc_now() -%}
    cast(current_timestamp at time zone 'UTC' as timestamp)
{%- endmacro %}

{#- Spark shows timestamps in the session time zone, UTC in the profile. -#}
{% macro spark__utc_now() -%}
    to_utc_timestamp(current_timestamp(), current_timezone())
{%- endmacro %}

{#- ISO day of week of a date: 1 = Monday ... 7 = Sunday. -#}
{% macro iso_day_of_week(column) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'ridehail')(column)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(column) -%}
    extract(isodow from {{ column }})
{%- endmacro %}

{% macro spark__iso_day_of_week(column) -%}
    extract(dayofweek_iso from {{ column }})
{%- endmacro %}

{#- Every match of the regular expression PATTERN in COLUMN replaced. -#}
{% macro replace_all_regex(column, pattern, replacement) -%}
    {{ return(adapter.dispatch('replace_all_regex', 'ridehail')(column, pattern, replacement)) }}
{%- endmacro %}

{% macro default__replace_all_regex(column, pattern, replacement) -%}
    regexp_replace({{ column }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__replace_all_regex(column, pattern, replacement) -%}
    regexp_replace({{ column }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{#- The type of variable-length text in casts, seed column types and contract
    data types: varchar on DuckDB and PostgreSQL; string on Spark, which
    rejects varchar without a length (PostgreSQL rejects string). -#}
{% macro string_type() -%}
    {{ return(adapter.dispatch('string_type', 'ridehail')()) }}
{%- endmacro %}

{% macro default__string_type() -%}
    {{ return('varchar') }}
{%- endmacro %}

{% macro spark__string_type() -%}
    {{ return('string') }}
{%- endmacro %}

{#- Closes a CTE whose columns are expensive (the base models' parsing of
    raw text), so each is computed once per row. PostgreSQL pulls a CTE read
    once up into the query that reads it and copies every column expression
    into each reference: a parsed timestamp in the rejection rule, the version
    ranking's sort key and the select list ran its regular expression and
    cast three to four times per row (issue 16, measured with explain
    analyze). `offset 0` keeps the CTE a subquery of its own, evaluated once;
    it filters nothing. DuckDB and Spark: nothing (their SQL is unchanged).
    Call it right after the CTE's from clause, as `{{- evaluate_once() }}`. -#}
{% macro evaluate_once() -%}
    {{ return(adapter.dispatch('evaluate_once', 'ridehail')()) }}
{%- endmacro %}

{% macro default__evaluate_once() -%}
    {{ return('') }}
{%- endmacro %}

{% macro postgres__evaluate_once() -%}
    {{ return('\n    offset 0') }}
{%- endmacro %}
