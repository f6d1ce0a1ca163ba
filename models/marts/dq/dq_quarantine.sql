-- Every raw row that broke a rule, with the rule and where it came from (rule 2).
-- Incremental: a build deletes the raw rows whose fate its parents rewrote
-- since its last one (quarantine_rows_changed_since_last_build) and writes
-- those that are still quarantined.
{{ config(
    materialized='incremental',
    unique_key=['source_table', 'load_id', 'line'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ delete_changed(['source_table', 'load_id', 'line'], quarantine_rows_changed_since_last_build()) }}"
) }}
with

quarantined as (
    {{ quarantined_rows('cities', 'base.city_id') }}
    union all
    {{ quarantined_rows('drivers', 'base.driver_id') }}
    union all
    {{ quarantined_rows('riders', 'base.rider_id') }}
    union all
    {{ quarantined_rows('trips', 'base.trip_id') }}
    union all
    {{ quarantined_rows('payments', 'base.payment_id') }}
    union all
    {{ quarantined_rows('ratings', "base.trip_id || '|' || base.rated_by") }}
    union all
    {{ rejected_trip_references('payments', 'checked.payment_id') }}
    union all
    {{ rejected_trip_references('ratings', "checked.trip_id || '|' || checked.rated_by") }}
)

select
    cast(source_table as {{ string_type() }}) as source_table,
    cast(record_key as {{ string_type() }}) as record_key,
    cast(rule as {{ string_type() }}) as rule,
    cast(batch as {{ string_type() }}) as batch,
    cast(load_id as bigint) as load_id,
    cast(line as integer) as line,
    cast(raw_values as {{ string_type() }}) as raw_values,
    {{ current_build_id() }} as build_id
from quarantined
