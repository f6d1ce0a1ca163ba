-- Rule 2: per raw table, raw rows = rows in the warehouse's marts
-- + rows in dq_quarantine + superseded versions and resent copies.
-- Fails with one row per table where the three do not add up.
{% set tables = ['cities', 'drivers', 'riders', 'trips', 'payments', 'ratings'] %}
with

raw_counts as (
    {% for table in tables -%}
        select
            '{{ table }}' as source_table,
            count(*) as raw_rows
        from {{ source('rideshare', table) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

superseded_counts as (
    {% for table in tables -%}
        select
            '{{ table }}' as source_table,
            count(*) as superseded_rows
        from {{ ref('base_rideshare__' ~ table) }}
        where disposition = 'superseded'
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

warehouse_counts as (
    select
        'cities' as source_table,
        count(*) as warehouse_rows
    from {{ ref('dim_cities') }}
    where city_id <> -1
    union all
    select
        'drivers' as source_table,
        count(*) as warehouse_rows
    from {{ ref('dim_drivers') }}
    where driver_version_key <> '-1'
    union all
    select
        'riders' as source_table,
        count(*) as warehouse_rows
    from {{ ref('dim_riders') }}
    where rider_version_key <> '-1'
    union all
    select
        'trips' as source_table,
        count(*) as warehouse_rows
    from {{ ref('fct_trips') }}
    union all
    select
        'payments' as source_table,
        count(*) as warehouse_rows
    from {{ ref('fct_payments') }}
    union all
    -- ratings live on the trip as each side's stars
    select
        'ratings' as source_table,
        count(rider_stars) + count(driver_stars) as warehouse_rows
    from {{ ref('fct_trips') }}
),

quarantine_counts as (
    select
        source_table,
        count(*) as quarantined_rows
    from {{ ref('dq_quarantine') }}
    group by source_table
),

reconciled as (
    select
        raw_counts.source_table,
        raw_counts.raw_rows,
        warehouse_counts.warehouse_rows,
        coalesce(quarantine_counts.quarantined_rows, 0) as quarantined_rows,
        superseded_counts.superseded_rows
    from raw_counts
    inner join superseded_counts on raw_counts.source_table = superseded_counts.source_table
    inner join warehouse_counts on raw_counts.source_table = warehouse_counts.source_table
    left join quarantine_counts on raw_counts.source_table = quarantine_counts.source_table
)

select *
from reconciled
where raw_rows <> warehouse_rows + quarantined_rows + superseded_rows
