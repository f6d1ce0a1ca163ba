with

ratings as (
    select * from {{ ref('base_rideshare__ratings') }}
)

select
    trip_id,
    rated_by,
    stars,
    rated_at,
    updated_at,
    _batch,
    build_id
from ratings
where disposition = 'kept'
