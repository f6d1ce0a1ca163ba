{#- Change detection for the incremental models. Every raw row carries
    _loaded_at; every incremental model stamps its rows with the newest load
    its build had seen (loaded_through), so a build processes the raw rows
    loaded after its table's max(loaded_through) and recomputes only the keys
    they touch (a trip, a payment, a driver-day...). Each model keeps its own
    watermark, so a model skipped or failed in one run catches up in the
    next. Reading the lineage column is the one place outside staging that
    reads source(): staging hides _loaded_at, and filtering on it is what
    keeps a daily batch's cost proportional to the batch. -#}

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

{#- Newest load of one raw table: the stamp of the base model built from it. -#}
{% macro source_watermark(table) -%}
    (select max(_loaded_at) from {{ source('rideshare', table) }})
{%- endmacro %}

{#- Newest load the current table had seen when it was last built. -#}
{% macro previous_watermark() -%}
    (select coalesce(max(loaded_through), cast('1900-01-01 00:00:00' as timestamp)) from {{ this }})
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
    unique_key = KEY_COLUMN, delete+insert then swaps those keys' rows. Two
    branches rather than "loaded since or key in (...)": PostgreSQL cannot
    turn an IN inside an OR into a hash join and rescans the subquery. -#}
{% macro raw_rows_to_rank(table, key_column) -%}
    select * from {{ source('rideshare', table) }}
    {%- if is_incremental() %}
        where {{ key_column }} in ({{ raw_keys_loaded_since_last_build(table, key_column) }})
        union all
        select * from {{ source('rideshare', table) }}
        where {{ key_column }} is null and _loaded_at > {{ previous_watermark() }}
    {%- endif %}
{%- endmacro %}

{#- Trip ids named by any raw version of a payment loaded since the current
    model's last build: a payment can move between trips, and both trips'
    revenue changes. -#}
{% macro trips_of_payments_loaded_since_last_build() -%}
    select trip_id from {{ source('rideshare', 'payments') }}
    where payment_id in ({{ raw_keys_loaded_since_last_build('payments', 'payment_id') }})
{%- endmacro %}

{#- Trips with a raw row loaded since the current model's last build, named
    by any version of a payment loaded since, or rated since: every trip whose
    facts (times, revenue, stars) may have changed. -#}
{% macro trips_touched_since_last_build() -%}
    {{ raw_keys_loaded_since_last_build('trips', 'trip_id') }}
    union
    {{ trips_of_payments_loaded_since_last_build() }}
    union
    {{ raw_keys_loaded_since_last_build('ratings', 'trip_id') }}
{%- endmacro %}

{#- On an incremental build, keeps an import CTE to the keys of the touched
    CTE; renders nothing on a full build. -#}
{% macro where_touched(column, touched='touched') -%}
    {%- if is_incremental() -%}
        where {{ column }} in (select {{ touched }}.{{ column }} from {{ touched }})
    {%- endif -%}
{%- endmacro %}

{#- Post-hook: delete+insert only replaces keys the new rows carry, so a key
    whose newest raw version went to quarantine would keep its old row. This
    deletes the rows of the keys whose newest BASE_MODEL row is quarantined (a
    small set), not an anti-join over the whole table. -#}
{% macro delete_quarantined_keys(base_model, key_columns) -%}
    {%- set keys = key_columns | join(', ') -%}
    delete from {{ this }}
    where ({{ keys }}) in (
        select {{ keys }} from {{ ref(base_model) }}
        where version_rank = 1 and disposition = 'quarantined'
    )
{%- endmacro %}

{#- Post-hook of the payment models past the trip check: drops payments that
    went to quarantine or whose trip is unknown or left the warehouse. -#}
{% macro delete_payments_no_longer_valid() -%}
    delete from {{ this }}
    where payment_id in (
        select payment_id from {{ ref('base_rideshare__payments') }}
        where version_rank = 1 and disposition = 'quarantined'
        union
        select payment_id from {{ ref('int_payments_checked') }}
        where rejection_rule is not null
    )
{%- endmacro %}

{#- Payments whose checked or converted row may have changed since the
    current model's last build: those with a raw row loaded since, and those
    of trips with one (a trip's quarantine decides its payments'). -#}
{% macro payments_touched_since_last_build() -%}
    {{ raw_keys_loaded_since_last_build('payments', 'payment_id') }}
    union
    select payment_id from {{ ref('stg_rideshare__payments') }}
    where trip_id in ({{ raw_keys_loaded_since_last_build('trips', 'trip_id') }})
    union
    {# every payment of a trip a new payment names: a refund's validity
       depends on all of its trip's payments (rule 5) #}
    select payment_id from {{ ref('stg_rideshare__payments') }}
    where trip_id in ({{ trips_of_payments_loaded_since_last_build() }})
{%- endmacro %}

{#- Trips of the current model (which must carry driver_id, rider_id and
    city_id) whose driver, rider or city has a raw row loaded since its last
    build: their point-in-time versions or timezone may have changed. -#}
{% macro trips_of_dimensions_loaded_since_last_build() -%}
    {% for table, key in [('drivers', 'driver_id'), ('riders', 'rider_id'), ('cities', 'city_id')] -%}
        select trip_id from {{ this }}
        where {{ key }} in ({{ raw_keys_loaded_since_last_build(table, key) }})
        {% if not loop.last %}union{% endif %}
    {% endfor %}
{%- endmacro %}

{#- (driver_id, activity_date) pairs whose driver-day activity may have
    changed since the current model's last build: every UTC day any raw
    version of a touched trip (one with a new trip, payment or rating row)
    was requested or ended on, and every day any version of its ratings and
    payments is dated, each paired with every driver any version of the trip
    names. Old versions are included so a day that lost its activity is
    rewritten too. -#}
{% macro driver_days_touched_since_last_build() -%}
    with

    touched_trips as (
        {{ trips_touched_since_last_build() }}
    ),

    trip_versions as (
        select trip_id, driver_id, requested_at, ended_at
        from {{ ref('base_rideshare__trips') }}
        where trip_id in (select touched_trips.trip_id from touched_trips) and driver_id is not null
    ),

    trip_drivers as (
        select distinct trip_id, driver_id
        from trip_versions
    )

    select driver_id, cast(requested_at as date) as activity_date
    from trip_versions
    where requested_at is not null
    union
    select driver_id, cast(ended_at as date) as activity_date
    from trip_versions
    where ended_at is not null
    union
    select trip_drivers.driver_id, cast(ratings.rated_at as date) as activity_date
    from {{ ref('base_rideshare__ratings') }} as ratings
    inner join trip_drivers on ratings.trip_id = trip_drivers.trip_id
    where ratings.rated_at is not null
    union
    select trip_drivers.driver_id, cast(payments.created_at as date) as activity_date
    from {{ ref('base_rideshare__payments') }} as payments
    inner join trip_drivers on payments.trip_id = trip_drivers.trip_id
    where payments.created_at is not null
{%- endmacro %}

{#- On an incremental build, a condition keeping rows whose (driver, day)
    is in the touched CTE; nothing on a full build. -#}
{% macro and_driver_day_touched(driver_column, date_expression) -%}
    {%- if is_incremental() -%}
        and ({{ driver_column }}, {{ date_expression }}) in (select touched.driver_id, touched.activity_date from touched)
    {%- endif -%}
{%- endmacro %}

{#- On an incremental build, keeps an import CTE to the days in the touched
    (driver, day) CTE, so the joins after it stay small; nothing on a full
    build. -#}
{% macro and_day_touched(date_expression) -%}
    {%- if is_incremental() -%}
        and {{ date_expression }} in (select touched.activity_date from touched)
    {%- endif -%}
{%- endmacro %}

{#- Post-hook for a model keyed by an entity whose rows can all go (every
    version of a driver quarantined): deletes the keys no longer in RELATION,
    except rows matching KEEP (an unknown member). -#}
{% macro delete_keys_missing_from(relation, key_column, keep='false') -%}
    delete from {{ this }} as current_rows
    where
        not ({{ keep }})
        and not exists (
            select 1 from {{ relation }} as source_rows
            where source_rows.{{ key_column }} = current_rows.{{ key_column }}
        )
{%- endmacro %}
