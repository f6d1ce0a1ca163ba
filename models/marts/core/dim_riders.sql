-- Every rider version (SCD2, rule 4) plus the unknown member '-1'.
-- Incremental: a build rewrites the riders int_rider_versions rewrote since
-- this table's last build; the post-hook drops riders gone from it.
{{ config(materialized='incremental', unique_key='rider_id', incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_keys_missing_from(ref('int_rider_versions'), 'rider_id', 'rider_id = -1') }}") }}
with

versions as (
    select * from {{ ref('int_rider_versions') }}
    {% if is_incremental() -%}
        where build_id > {{ previous_build_id() }}
    {%- endif %}
),

{% if not is_incremental() -%}
    unknown_member as (
        select
            '-1' as rider_version_key,
            -1 as rider_id,
            0 as version_number,
            'Unknown' as first_name,
            'Unknown' as last_name,
            cast(null as {{ string_type() }}) as email,
            cast(null as {{ string_type() }}) as phone,
            -1 as home_city_id,
            cast(null as boolean) as is_business,
            cast(null as timestamp) as signed_up_at,
            cast(null as timestamp) as updated_at,
            cast('1900-01-01 00:00:00' as timestamp) as valid_from,
            cast(null as timestamp) as valid_to,
            true as is_current
    ),

{% endif -%}
unioned as (
    select
        rider_version_key,
        rider_id,
        version_number,
        first_name,
        last_name,
        email,
        phone,
        home_city_id,
        is_business,
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
    cast(rider_version_key as {{ string_type() }}) as rider_version_key,
    cast(rider_id as bigint) as rider_id,
    cast(version_number as integer) as version_number,
    cast(first_name as {{ string_type() }}) as first_name,
    cast(last_name as {{ string_type() }}) as last_name,
    cast(email as {{ string_type() }}) as email,
    cast(phone as {{ string_type() }}) as phone,
    cast(home_city_id as bigint) as home_city_id,
    cast(is_business as boolean) as is_business,
    cast(signed_up_at as timestamp) as signed_up_at,
    cast(updated_at as timestamp) as source_updated_at,
    cast(valid_from as timestamp) as valid_from,
    cast(valid_to as timestamp) as valid_to,
    cast(is_current as boolean) as is_current,
    {{ current_build_id() }} as build_id
from unioned
