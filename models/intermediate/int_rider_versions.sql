-- SCD2 history of riders from every version in raw (rule 4; see macros/scd2.sql).
{{ scd2_history(
    ref('stg_rideshare__rider_versions'),
    'rider_id',
    'rider_version_key',
    ['first_name', 'last_name', 'email', 'phone', 'home_city_id', 'is_business']
) }}
