{#- Contract columns of each raw export file, in file order (lineage columns
    _batch/_line excluded). The same list as scripts/raw_contract.py and the
    source and seed properties; tests/pytest/test_contract.py keeps them equal. -#}
{% macro raw_contract() -%}
    {%- set contract = {
        'cities': ['city_id', 'city_name', 'country_code', 'currency', 'timezone', 'launched_on', 'updated_at'],
        'drivers': ['driver_id', 'first_name', 'last_name', 'email', 'phone', 'city_id', 'vehicle_make', 'vehicle_model', 'vehicle_year', 'product', 'status', 'signed_up_at', 'updated_at'],
        'riders': ['rider_id', 'first_name', 'last_name', 'email', 'phone', 'home_city_id', 'is_business', 'signed_up_at', 'updated_at'],
        'trips': ['trip_id', 'rider_id', 'driver_id', 'city_id', 'product', 'status', 'requested_at', 'started_at', 'ended_at', 'distance_km', 'surge_multiplier', 'fare_amount', 'currency', 'updated_at'],
        'payments': ['payment_id', 'trip_id', 'method', 'status', 'amount', 'tip_amount', 'currency', 'created_at', 'updated_at'],
        'ratings': ['trip_id', 'rated_by', 'stars', 'rated_at', 'updated_at']
    } -%}
    {{ return(contract) }}
{%- endmacro %}

{% macro raw_columns(table) -%}
    {{ return(raw_contract()[table]) }}
{%- endmacro %}

{#- The raw tables, in contract order. -#}
{% macro raw_tables() -%}
    {{ return(raw_contract().keys() | list) }}
{%- endmacro %}

{#- Newest version first: by updated_at, then the later load and line, so a
    resent copy, a same-instant rewrite or a re-delivered correction (a new
    load of the same export) resolves the same way everywhere.
    Rows with an unparseable updated_at rank after every parseable one. -#}
{% macro version_rank(key_columns, updated_at='updated_at') -%}
    row_number() over (
        partition by {{ key_columns | join(', ') }}
        order by {{ updated_at }} desc nulls last, _load_id desc, _line desc
    )
{%- endmacro %}

{#- What happens to one raw row (rules 1 and 2):
    quarantined - it breaks a rule and is the newest version of its key, or it
                  cannot be ranked at all (no key, no parseable updated_at);
    superseded  - an older version of its key, or a resent copy;
    kept        - the newest, valid version: what staging passes on. -#}
{% macro version_disposition(rejection_rule, version_rank, rankable) -%}
    case
        when not ({{ rankable }}) then 'quarantined'
        when {{ version_rank }} > 1 then 'superseded'
        when {{ rejection_rule }} is not null then 'quarantined'
        else 'kept'
    end
{%- endmacro %}

{#- Rule for a row that points at a trip, given the joined int_trip_references
    alias: unknown_trip when no export ever carried the trip, trip_quarantined
    when the trip itself was quarantined. -#}
{% macro trip_reference_rule(references_alias) -%}
    case
        when {{ references_alias }}.trip_id is null then 'unknown_trip'
        when not {{ references_alias }}.is_in_warehouse then 'trip_quarantined'
    end
{%- endmacro %}
