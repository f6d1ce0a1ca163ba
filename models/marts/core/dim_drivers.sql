-- Every driver version (SCD2, rule 4) plus the unknown member '-1'.
-- Incremental: a build rewrites the drivers int_driver_versions rewrote since
-- this table's last build; the post-hook drops drivers gone from it.
{{ config(materialized='incremental', unique_key='driver_id', incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_keys_missing_from(ref('int_driver_versions'), 'driver_id', 'driver_id = -1') }}") }}
with

versions as (
    select * from {{ ref('int_driver_versions') }}
    {% if is_incremental() -%}
        where build_id > {{ previous_build_id() }}
    {%- endif %}
),

{% if not is_incremental() -%}
    unknown_member as (
        select
            '-1' as driver_version_key,
            -1 as driver_id,
            0 as version_number,
            'Unknown' as first_name,
            'Unknown' as last_name,
            cast(null as {{ string_type() }}) as email,
            cast(null as {{ string_type() }}) as phone,
            -1 as city_id,
            cast(null as {{ string_type() }}) as vehicle_make,
            cast(null as {{ string_type() }}) as vehicle_model,
            cast(null as integer) as vehicle_year,
            cast(null as {{ string_type() }}) as product,
            cast(null as {{ string_type() }}) as status,
            cast(null as timestamp) as signed_up_at,
            cast(null as timestamp) as updated_at,
            cast('1900-01-01 00:00:00' as timestamp) as valid_from,
            cast(null as timestamp) as valid_to,
            true as is_current
    ),

{% endif -%}
unioned as (
    select
        driver_version_key,
        driver_id,
        version_number,
        first_name,
        last_name,
        email,
        phone,
        city_id,
        vehicle_make,
        vehicle_model,
        vehicle_year,
        product,
        status,
        signed_up_at,
        updated_at,
        valid_from,
        valid_to,
        is_current
    from versions
    {%- if not is_incremental() %}
        -- the unknown member is written by a full build only: an incremental one leaves it as it is
        union all
        select * from unknown_member
    {%- endif %}
)

select
    cast(driver_version_key as {{ string_type() }}) as driver_version_key,
    cast(driver_id as bigint) as driver_id,
    cast(version_number as integer) as version_number,
    cast(first_name as {{ string_type() }}) as first_name,
    cast(last_name as {{ string_type() }}) as last_name,
    cast(email as {{ string_type() }}) as email,
    cast(phone as {{ string_type() }}) as phone,
    cast(city_id as bigint) as city_id,
    cast(vehicle_make as {{ string_type() }}) as vehicle_make,
    cast(vehicle_model as {{ string_type() }}) as vehicle_model,
    cast(vehicle_year as integer) as vehicle_year,
    cast(product as {{ string_type() }}) as product,
    cast(status as {{ string_type() }}) as status,
    cast(signed_up_at as timestamp) as signed_up_at,
    cast(updated_at as timestamp) as source_updated_at,
    cast(valid_from as timestamp) as valid_from,
    cast(valid_to as timestamp) as valid_to,
    cast(is_current as boolean) as is_current,
    {{ current_build_id() }} as build_id
from unioned
