{#- Quarantined rows of one base_rideshare__<table> model in the shape of
    dq_quarantine (rule 2). The raw values are read back from the raw row
    (load and line locate it, in the
    base_rideshare__<table>_raw view) only for the few rows shown here, not carried
    through the base models for every row. On an incremental build, only
    the rows the base model rewrote since dq_quarantine's last build (a
    base model rewrites every row of a changed key, so these are all the
    rows whose fate may have changed). -#}
{% macro quarantined_rows(table, key_expression) -%}
    select
        '{{ table }}' as source_table,
        cast({{ key_expression }} as {{ string_type() }}) as record_key,
        base.rejection_rule as rule,
        base._batch as batch,
        base._load_id as load_id,
        base._line as line,
        {{ raw_values_json(raw_columns(table), 'raw_row') }} as raw_values
    from {{ ref('base_rideshare__' ~ table) }} as base
    inner join {{ ref('base_rideshare__' ~ table ~ '_raw') }} as raw_row
        on base._load_id = raw_row._load_id and base._line = raw_row._line
    where base.disposition = 'quarantined' {{ and_rebuilt_since_last_build('base') }}
{%- endmacro %}

{#- The tables with cross-table rules: table -> (its checked model, the
    key that model's rows and the base rows share). -#}
{% macro checked_tables() -%}
    {{ return({
        'payments': ('int_payments_checked', ['payment_id']),
        'ratings': ('int_ratings_checked', ['trip_id', 'rated_by']),
    }) }}
{%- endmacro %}

{#- FROM clause: TABLE's checked model (as checked), each row joined to its
    kept base version (as base). -#}
{% macro checked_with_kept_row(table) -%}
    {%- set checked_model, key_columns = checked_tables()[table] -%}
    {{ ref(checked_model) }} as checked
    inner join {{ ref('base_rideshare__' ~ table) }} as base
        on
            {% for column in key_columns -%}
            checked.{{ column }} = base.{{ column }} and
            {% endfor -%}
            base.disposition = 'kept'
{%- endmacro %}

{#- Rows that passed their own table's rules but broke a cross-table rule
    (int_payments_checked, int_ratings_checked); raw values come from the
    row's kept base version. On an incremental build, only the rows the
    checked model rewrote since dq_quarantine's last build. -#}
{% macro rejected_trip_references(table, key_expression) -%}
    select
        '{{ table }}' as source_table,
        cast({{ key_expression }} as {{ string_type() }}) as record_key,
        checked.rejection_rule as rule,
        base._batch as batch,
        base._load_id as load_id,
        base._line as line,
        {{ raw_values_json(raw_columns(table), 'raw_row') }} as raw_values
    from {{ checked_with_kept_row(table) }}
    inner join {{ ref('base_rideshare__' ~ table ~ '_raw') }} as raw_row
        on base._load_id = raw_row._load_id and base._line = raw_row._line
    where checked.rejection_rule is not null {{ and_rebuilt_since_last_build('checked') }}
{%- endmacro %}

{#- The raw rows (source_table, load_id, line) whose place in dq_quarantine
    may have changed since its last build: every row a base model rewrote,
    and the kept row of every payment and rating its checked model rewrote.
    dq_quarantine's pre-hook deletes them before it writes them again. -#}
{% macro quarantine_rows_changed_since_last_build() -%}
    {%- for table in raw_tables() %}
    select
        '{{ table }}' as source_table,
        _load_id as load_id,
        _line as line
    from {{ ref('base_rideshare__' ~ table) }}
    where build_id > {{ previous_build_id() }}
    union all
    {%- endfor %}
    {%- for table in checked_tables() %}
    select
        '{{ table }}' as source_table,
        base._load_id as load_id,
        base._line as line
    from {{ checked_with_kept_row(table) }}
    where checked.build_id > {{ previous_build_id() }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- A base_rideshare__<table>_raw view: the raw rows as exported (contract
    columns) with the load and line that locate them, for dq_quarantine to
    read a rejected row's values back. A view: only the few rows joined are
    read. -#}
{% macro raw_rows_as_exported(table) -%}
    {{ config(materialized='view') }}
    select
        _load_id,
        _line,
        {{ raw_columns(table) | join(',\n        ') }}
    from {{ source('rideshare', table) }}
{%- endmacro %}

{#- The counts and score columns of dq_scores and dq_scores_overall, from the
    expressions TOTAL (rows) and VALID (rows breaking no rule): score = valid
    / total x 100, two decimals. -#}
{% macro dq_score_columns(total, valid) -%}
    cast({{ total }} as bigint) as total_rows,
    cast({{ valid }} as bigint) as valid_rows,
    cast({{ total }} - {{ valid }} as bigint) as invalid_rows,
    cast(round(100.0 * {{ valid }} / {{ total }}, 2) as decimal(6, 2)) as score
{%- endmacro %}
