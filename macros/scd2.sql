{#- SCD type 2 history from a staging model holding every version of an entity
    (rule 4). Each version is valid from its updated_at, the first one from
    signup, until the next version starts: the interval is half-open,
    [valid_from, valid_to), and valid_to is null for the current version.
    The version key is md5(entity id | updated_at): stable across rebuilds.
    Incremental (the calling model configures it with unique_key = the id):
    a build rewrites every version of the entities whose rows
    base_rideshare__RAW_TABLE rewrote since its last build. -#}
{% macro scd2_history(versions_relation, id_column, key_name, attribute_columns, raw_table) -%}
with

versions as (
    select * from {{ versions_relation }}
    {%- if is_incremental() %}
        where {{ id_column }} in ({{ keys_rebuilt_since_last_build(raw_table, id_column) }})
    {%- endif %}
),

ordered as (
    select
        *,
        row_number() over (partition by {{ id_column }} order by updated_at) as version_number
    from versions
),

windowed as (
    select
        *,
        case
            when version_number = 1 then least(signed_up_at, updated_at)
            else updated_at
        end as valid_from
    from ordered
),

bounded as (
    select
        *,
        lead(valid_from) over (partition by {{ id_column }} order by version_number) as valid_to
    from windowed
)

select
    {{ surrogate_key([id_column, 'updated_at']) }} as {{ key_name }},
    {{ id_column }},
    version_number,
    {%- for column in attribute_columns %}
    {{ column }},
    {%- endfor %}
    signed_up_at,
    updated_at,
    valid_from,
    valid_to,
    valid_to is null as is_current,
    {{ current_build_id() }} as build_id
from bounded
{%- endmacro %}
