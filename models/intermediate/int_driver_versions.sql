-- SCD2 history of drivers from every version in raw (rule 4; see macros/scd2.sql).
{{ scd2_history(
    ref('stg_rideshare__driver_versions'),
    'driver_id',
    'driver_version_key',
    ['first_name', 'last_name', 'email', 'phone', 'city_id', 'vehicle_make',
     'vehicle_model', 'vehicle_year', 'product', 'status']
) }}
