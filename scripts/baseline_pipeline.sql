-- The plain-SQL baseline of issue 16: the warehouse's work written as one
-- DuckDB script, the way an engineer would without dbt, so that
-- scripts/benchmark.py --baseline can print project (load + full build) /
-- baseline. It reads the same export folders and builds the same things:
-- raw tables with their lineage (export, physical line), staging with
-- latest-version-wins, the row and cross-table rules with quarantine, SCD2
-- driver and rider dimensions, point-in-time trip facts, payments in USD,
-- local dates, the analytics marts, the ML feature grid, dq quarantine,
-- scores and summaries, the first fill of the two snapshots, and a few checks
-- (keys unique, facts point at dimension rows, every raw trip accounted for).
--
-- What it leaves out, on purpose (work only dbt's design or the loader's
-- guarantees need): build ids and the change logs incremental builds read
-- (int_trip_changes, int_driver_day_changes); the published read copy; most
-- data tests (the project runs about 250); the loader's byte-level checks
-- (BOM, mixed line ends, stray quotes, blank lines, truncated lines: here
-- read_csv's strict mode decides), its exact spelling of typed values (here a
-- cast) and its load log with file digests; line breaks inside quoted fields
-- (the generator writes none, so _line needs no correction); separate
-- staging tables (the ruled tables are filtered by disposition instead).
-- tests/pytest/test_baseline.py checks it against the dbt build of the sample.
--
-- Inputs (set by the caller before running this file):
--   getvariable('exports')   folder holding the export folders (batch_000/ ...)
--   getvariable('reference') folder of the reference seeds (seeds/reference)
-- Output: tables in the database the script runs on (one fresh file).

set memory_limit = '6GB';

-- ---------------------------------------------------------------------------
-- helpers: the value rules of macros/raw_values.sql, in DuckDB's own terms
-- ---------------------------------------------------------------------------

-- text as a person means it: NFC, no leading/trailing Unicode white space
-- (RE2's \s is ASCII only, so the White_Space characters are listed)
create or replace temp macro clean_text(s) as
    regexp_replace(
        nfc_normalize(s),
        '^[\t\n\v\f\r \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]+'
        || '|[\t\n\v\f\r \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]+$',
        '', 'g'
    );

-- a name: clean_text with every inner run of white space one space
create or replace temp macro clean_name(s) as
    regexp_replace(
        clean_text(s),
        '[\t\n\v\f\r \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]+',
        ' ', 'g'
    );

-- a city name: lower case, then every part between spaces and hyphens capitalised
create or replace temp macro title_case(s) as
    array_to_string(
        list_transform(
            string_split(lower(clean_name(s)), ' '),
            lambda word: array_to_string(
                list_transform(string_split(word, '-'), lambda part: upper(left(part, 1)) || substr(part, 2)),
                '-'
            )
        ),
        ' '
    );

-- the contract's timestamp, exactly `YYYY-MM-DD HH:MM:SS` with field ranges;
-- try_cast then refuses days the month does not have (Feb 30, Feb 29 off leap years)
create or replace temp macro safe_timestamp(s) as
    case
        when regexp_full_match(s, '[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]')
            and left(s, 4) <> '0000'
            then try_cast(s as timestamp)
    end;

create or replace temp macro safe_date(s) as
    case
        when regexp_full_match(s, '[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])') and left(s, 4) <> '0000'
            then try_cast(s as date)
    end;

-- rule 5: a non-zero digit past the currency's 2 minor units is never rounded
create or replace temp macro has_excess_decimals(s) as
    coalesce(regexp_full_match(s, '[+-]?[0-9]*[.][0-9]{2}0*[1-9][0-9]*'), false);

-- a money amount as written: a plain decimal number, at most 2 significant decimals
create or replace temp macro safe_amount(s) as
    case
        when regexp_full_match(s, '[+-]?[0-9]{1,10}([.][0-9]+)?') and not has_excess_decimals(s)
            then cast(s as decimal(12, 2))
    end;

-- the export folder of a file path: the row's _batch (names sort in export order)
create or replace temp macro export_of(path) as regexp_extract(path, '([^/]+)/[^/]+$', 1);

-- ---------------------------------------------------------------------------
-- load: every export file of a table in one read_csv, every column as text,
-- typed columns cast like the loader's contract (a bad value stops the run as
-- it stops the loader's export); _row numbers records in file order (the
-- scan keeps it), _line is the physical line of the record in its file
-- (header = line 1; the generator writes no line break inside a field)
-- ---------------------------------------------------------------------------

create schema if not exists raw;

create table raw.cities as
with scanned as (
    select *, row_number() over () as _row
    from read_csv(getvariable('exports') || '/*/cities.csv', header = true, filename = true, auto_detect = false,
        delim = ',', quote = '"', escape = '"', strict_mode = true,
        columns = {'city_id': 'varchar', 'city_name': 'varchar', 'country_code': 'varchar', 'currency': 'varchar',
                   'timezone': 'varchar', 'launched_on': 'varchar', 'updated_at': 'varchar'})
)
select
    cast(city_id as bigint) as city_id, city_name, country_code, currency, timezone, launched_on, updated_at,
    export_of(filename) as _batch,
    cast(_row - min(_row) over (partition by filename) + 2 as integer) as _line,
    _row
from scanned;

create table raw.drivers as
with scanned as (
    select *, row_number() over () as _row
    from read_csv(getvariable('exports') || '/*/drivers.csv', header = true, filename = true, auto_detect = false,
        delim = ',', quote = '"', escape = '"', strict_mode = true,
        columns = {'driver_id': 'varchar', 'first_name': 'varchar', 'last_name': 'varchar', 'email': 'varchar',
                   'phone': 'varchar', 'city_id': 'varchar', 'vehicle_make': 'varchar', 'vehicle_model': 'varchar',
                   'vehicle_year': 'varchar', 'product': 'varchar', 'status': 'varchar',
                   'signed_up_at': 'varchar', 'updated_at': 'varchar'})
)
select
    cast(driver_id as bigint) as driver_id, first_name, last_name, email, phone, cast(city_id as bigint) as city_id,
    vehicle_make, vehicle_model, cast(vehicle_year as integer) as vehicle_year, product, status,
    signed_up_at, updated_at,
    export_of(filename) as _batch,
    cast(_row - min(_row) over (partition by filename) + 2 as integer) as _line,
    _row
from scanned;

create table raw.riders as
with scanned as (
    select *, row_number() over () as _row
    from read_csv(getvariable('exports') || '/*/riders.csv', header = true, filename = true, auto_detect = false,
        delim = ',', quote = '"', escape = '"', strict_mode = true,
        columns = {'rider_id': 'varchar', 'first_name': 'varchar', 'last_name': 'varchar', 'email': 'varchar',
                   'phone': 'varchar', 'home_city_id': 'varchar', 'is_business': 'varchar',
                   'signed_up_at': 'varchar', 'updated_at': 'varchar'})
)
select
    cast(rider_id as bigint) as rider_id, first_name, last_name, email, phone,
    cast(home_city_id as bigint) as home_city_id, is_business, signed_up_at, updated_at,
    export_of(filename) as _batch,
    cast(_row - min(_row) over (partition by filename) + 2 as integer) as _line,
    _row
from scanned;

create table raw.trips as
with scanned as (
    select *, row_number() over () as _row
    from read_csv(getvariable('exports') || '/*/trips.csv', header = true, filename = true, auto_detect = false,
        delim = ',', quote = '"', escape = '"', strict_mode = true,
        columns = {'trip_id': 'varchar', 'rider_id': 'varchar', 'driver_id': 'varchar', 'city_id': 'varchar',
                   'product': 'varchar', 'status': 'varchar', 'requested_at': 'varchar', 'started_at': 'varchar',
                   'ended_at': 'varchar', 'distance_km': 'varchar', 'surge_multiplier': 'varchar',
                   'fare_amount': 'varchar', 'currency': 'varchar', 'updated_at': 'varchar'})
)
select
    cast(trip_id as bigint) as trip_id, cast(rider_id as bigint) as rider_id, cast(driver_id as bigint) as driver_id,
    cast(city_id as bigint) as city_id, product, status, requested_at, started_at, ended_at,
    cast(distance_km as decimal(10, 3)) as distance_km, cast(surge_multiplier as decimal(4, 2)) as surge_multiplier,
    fare_amount, currency, updated_at,
    export_of(filename) as _batch,
    cast(_row - min(_row) over (partition by filename) + 2 as integer) as _line,
    _row
from scanned;

create table raw.payments as
with scanned as (
    select *, row_number() over () as _row
    from read_csv(getvariable('exports') || '/*/payments.csv', header = true, filename = true, auto_detect = false,
        delim = ',', quote = '"', escape = '"', strict_mode = true,
        columns = {'payment_id': 'varchar', 'trip_id': 'varchar', 'method': 'varchar', 'status': 'varchar',
                   'amount': 'varchar', 'tip_amount': 'varchar', 'currency': 'varchar',
                   'created_at': 'varchar', 'updated_at': 'varchar'})
)
select
    cast(payment_id as bigint) as payment_id, cast(trip_id as bigint) as trip_id, method, status,
    amount, tip_amount, currency, created_at, updated_at,
    export_of(filename) as _batch,
    cast(_row - min(_row) over (partition by filename) + 2 as integer) as _line,
    _row
from scanned;

create table raw.ratings as
with scanned as (
    select *, row_number() over () as _row
    from read_csv(getvariable('exports') || '/*/ratings.csv', header = true, filename = true, auto_detect = false,
        delim = ',', quote = '"', escape = '"', strict_mode = true,
        columns = {'trip_id': 'varchar', 'rated_by': 'varchar', 'stars': 'varchar', 'rated_at': 'varchar',
                   'updated_at': 'varchar'})
)
select
    cast(trip_id as bigint) as trip_id, rated_by, cast(stars as integer) as stars, rated_at, updated_at,
    export_of(filename) as _batch,
    cast(_row - min(_row) over (partition by filename) + 2 as integer) as _line,
    _row
from scanned;

-- from here on row order no longer matters (the project's profile sets the same)
set preserve_insertion_order = false;

-- reference seeds, typed
create table exchange_rates as
select
    upper(trim(currency)) as currency,
    cast(rate_month as date) as rate_month,
    cast(usd_per_unit as decimal(18, 8)) as usd_per_unit
from read_csv(getvariable('reference') || '/exchange_rates.csv', header = true, all_varchar = true);

create table timezones as
select timezone from read_csv(getvariable('reference') || '/timezones.csv', header = true, all_varchar = true);

create table country_regions as
select upper(trim(country_code)) as country_code, region
from read_csv(getvariable('reference') || '/country_regions.csv', header = true, all_varchar = true);

-- ---------------------------------------------------------------------------
-- staging: per raw row its first broken row rule, its rank among the versions
-- of its key (newest updated_at first, unparseable last, then the later
-- export and line: macros/versioning.sql), and its disposition:
-- quarantined (unrankable, or the newest version breaking a rule),
-- superseded (an older version or a resent copy) or kept
-- ---------------------------------------------------------------------------

create table cities_ruled as
with cleaned as (
    select
        city_id,
        title_case(city_name) as city_name,
        upper(clean_text(country_code)) as country_code,
        upper(clean_text(currency)) as currency,
        clean_text(timezone) as timezone,
        safe_date(launched_on) as launched_on,
        launched_on as launched_on_text,
        safe_timestamp(updated_at) as updated_at,
        _batch, _line, _row
    from raw.cities
),

ruled as (
    select
        cleaned.*,
        case
            when city_id is null then 'missing_key'
            when cleaned.updated_at is null or (launched_on is null and launched_on_text is not null)
                then 'unparseable_timestamp'
            when coalesce(city_name, '') = '' or coalesce(cleaned.timezone, '') = '' or coalesce(cleaned.currency, '') = ''
                then 'missing_value'
            -- local time needs a zone the engine converts with; money a currency with rates
            when cleaned.timezone not in (select timezone from timezones) then 'unknown_timezone'
            when cleaned.currency not in (select currency from exchange_rates) then 'unknown_currency'
        end as rejection_rule,
        row_number() over (partition by city_id order by cleaned.updated_at desc nulls last, _batch desc, _line desc)
            as version_rank
    from cleaned
)

select
    *,
    case
        when city_id is null or updated_at is null then 'quarantined'
        when version_rank > 1 then 'superseded'
        when rejection_rule is not null then 'quarantined'
        else 'kept'
    end as disposition
from ruled;

create table stg_cities as
select * from cities_ruled where disposition = 'kept';

create table drivers_ruled as
with cleaned as (
    select
        driver_id,
        clean_name(first_name) as first_name,
        clean_name(last_name) as last_name,
        lower(clean_text(email)) as email,
        clean_text(phone) as phone,
        city_id,
        clean_name(vehicle_make) as vehicle_make,
        clean_name(vehicle_model) as vehicle_model,
        vehicle_year,
        lower(clean_text(product)) as product,
        lower(clean_text(status)) as status,
        safe_timestamp(signed_up_at) as signed_up_at,
        safe_timestamp(updated_at) as updated_at,
        _batch, _line, _row
    from raw.drivers
),

ruled as (
    select
        *,
        case
            when driver_id is null then 'missing_key'
            when updated_at is null or signed_up_at is null then 'unparseable_timestamp'
            when coalesce(product, '') not in ('economy', 'comfort', 'xl')
                or coalesce(status, '') not in ('active', 'suspended', 'offboarded')
                then 'unknown_domain_value'
        end as rejection_rule,
        -- a driver version is keyed by driver and updated_at: every change is kept
        row_number() over (partition by driver_id, updated_at order by _batch desc, _line desc) as version_rank
    from cleaned
)

select
    *,
    case
        when driver_id is null or updated_at is null then 'quarantined'
        when version_rank > 1 then 'superseded'
        when rejection_rule is not null then 'quarantined'
        else 'kept'
    end as disposition
from ruled;

create table riders_ruled as
with cleaned as (
    select
        rider_id,
        clean_name(first_name) as first_name,
        clean_name(last_name) as last_name,
        lower(clean_text(email)) as email,
        clean_text(phone) as phone,
        home_city_id,
        lower(clean_text(is_business)) as is_business_text,
        safe_timestamp(signed_up_at) as signed_up_at,
        safe_timestamp(updated_at) as updated_at,
        _batch, _line, _row
    from raw.riders
),

ruled as (
    select
        *,
        case
            when rider_id is null then 'missing_key'
            when updated_at is null or signed_up_at is null then 'unparseable_timestamp'
            when coalesce(is_business_text, '') not in ('true', 'false') then 'unknown_domain_value'
        end as rejection_rule,
        row_number() over (partition by rider_id, updated_at order by _batch desc, _line desc) as version_rank
    from cleaned
)

select
    *,
    case
        when rider_id is null or updated_at is null then 'quarantined'
        when version_rank > 1 then 'superseded'
        when rejection_rule is not null then 'quarantined'
        else 'kept'
    end as disposition
from ruled;

create table trips_ruled as
with cleaned as (
    select
        trip_id,
        rider_id,
        driver_id,
        city_id,
        lower(clean_text(product)) as product,
        lower(clean_text(status)) as status,
        safe_timestamp(requested_at) as requested_at,
        safe_timestamp(started_at) as started_at,
        safe_timestamp(ended_at) as ended_at,
        distance_km,
        surge_multiplier,
        safe_amount(fare_amount) as fare_amount,
        has_excess_decimals(fare_amount) as has_excess_decimals,
        upper(clean_text(currency)) as currency,
        safe_timestamp(updated_at) as updated_at,
        -- an empty optional timestamp is fine, any other text must parse
        started_at is not null as has_started_at_text,
        ended_at is not null as has_ended_at_text,
        _batch, _line, _row
    from raw.trips
),

launches as (
    -- a trip of an unknown city is held to the first launch of any city
    select
        city_id,
        cast(coalesce(launched_on, (select min(launched_on) from stg_cities)) as timestamp) as launched_at
    from stg_cities
),

ruled as (
    select
        cleaned.*,
        case
            when trip_id is null then 'missing_key'
            when updated_at is null or requested_at is null
                or (has_started_at_text and started_at is null)
                or (has_ended_at_text and ended_at is null)
                then 'unparseable_timestamp'
            when coalesce(product, '') not in ('economy', 'comfort', 'xl')
                or coalesce(status, '') not in ('completed', 'cancelled_by_rider', 'cancelled_by_driver')
                then 'unknown_domain_value'
            when status = 'completed' and (started_at is null or ended_at is null) then 'missing_timestamp'
            when has_excess_decimals then 'excess_precision'
            when distance_km < 0
                or (status = 'completed' and distance_km is null)
                or coalesce(fare_amount, -1) < 0
                or coalesce(surge_multiplier, 0) < 1
                then 'invalid_measure'
            when started_at < requested_at or ended_at < started_at then 'impossible_time_order'
            when requested_at > updated_at or started_at > updated_at or ended_at > updated_at
                then 'timestamp_after_update'
            when requested_at < coalesce(launches.launched_at, (select min(launched_at) from launches))
                then 'before_city_launch'
        end as rejection_rule,
        row_number() over (partition by trip_id order by updated_at desc nulls last, _batch desc, _line desc)
            as version_rank
    from cleaned
    left join launches on cleaned.city_id = launches.city_id
)

select
    *,
    case
        when trip_id is null or updated_at is null then 'quarantined'
        when version_rank > 1 then 'superseded'
        when rejection_rule is not null then 'quarantined'
        else 'kept'
    end as disposition
from ruled;

create table payments_ruled as
with cleaned as (
    select
        payment_id,
        trip_id,
        lower(clean_text(method)) as method,
        lower(clean_text(status)) as status,
        safe_amount(amount) as amount,
        coalesce(safe_amount(tip_amount), 0) as tip_amount,
        has_excess_decimals(amount) or has_excess_decimals(tip_amount) as has_excess_decimals,
        -- an empty tip is 0, any other text must parse
        tip_amount is not null and safe_amount(tip_amount) is null as has_unparseable_tip,
        upper(clean_text(currency)) as currency,
        safe_timestamp(created_at) as created_at,
        safe_timestamp(updated_at) as updated_at,
        _batch, _line, _row
    from raw.payments
),

ruled as (
    select
        *,
        case
            when payment_id is null then 'missing_key'
            when updated_at is null or created_at is null then 'unparseable_timestamp'
            when coalesce(method, '') not in ('card', 'cash', 'wallet')
                or coalesce(status, '') not in ('captured', 'failed', 'refunded')
                then 'unknown_domain_value'
            when has_excess_decimals then 'excess_precision'
            when coalesce(amount, -1) < 0 or tip_amount < 0 or has_unparseable_tip then 'invalid_measure'
            when created_at > updated_at then 'timestamp_after_update'
        end as rejection_rule,
        row_number() over (partition by payment_id order by updated_at desc nulls last, _batch desc, _line desc)
            as version_rank
    from cleaned
)

select
    *,
    case
        when payment_id is null or updated_at is null then 'quarantined'
        when version_rank > 1 then 'superseded'
        when rejection_rule is not null then 'quarantined'
        else 'kept'
    end as disposition
from ruled;

create table ratings_ruled as
with cleaned as (
    select
        trip_id,
        lower(clean_text(rated_by)) as rated_by,
        stars,
        safe_timestamp(rated_at) as rated_at,
        safe_timestamp(updated_at) as updated_at,
        _batch, _line, _row
    from raw.ratings
),

ruled as (
    select
        *,
        case
            when trip_id is null or rated_by is null then 'missing_key'
            when updated_at is null or rated_at is null then 'unparseable_timestamp'
            when rated_by not in ('rider', 'driver') then 'unknown_domain_value'
            when stars is null or stars not between 1 and 5 then 'invalid_measure'
            when rated_at > updated_at then 'timestamp_after_update'
        end as rejection_rule,
        row_number() over (partition by trip_id, rated_by order by updated_at desc nulls last, _batch desc, _line desc)
            as version_rank
    from cleaned
)

select
    *,
    case
        when trip_id is null or rated_by is null or updated_at is null then 'quarantined'
        when version_rank > 1 then 'superseded'
        when rejection_rule is not null then 'quarantined'
        else 'kept'
    end as disposition
from ruled;

-- ---------------------------------------------------------------------------
-- SCD2 dimensions (rule 4): every kept version, valid [valid_from, valid_to),
-- the first from signup; key md5(id|updated_at); plus the unknown member
-- ---------------------------------------------------------------------------

create table dim_drivers as
with ordered as (
    select
        *,
        row_number() over (partition by driver_id order by updated_at) as version_number
    from drivers_ruled
    where disposition = 'kept'
),

windowed as (
    select
        *,
        case when version_number = 1 then least(signed_up_at, updated_at) else updated_at end as valid_from
    from ordered
),

bounded as (
    select
        *,
        lead(valid_from) over (partition by driver_id order by version_number) as valid_to
    from windowed
)

select
    md5(cast(driver_id as varchar) || '|' || cast(updated_at as varchar)) as driver_version_key,
    driver_id, version_number, first_name, last_name, email, phone, city_id, vehicle_make, vehicle_model,
    vehicle_year, product, status, signed_up_at, updated_at as source_updated_at,
    valid_from, valid_to, valid_to is null as is_current
from bounded
union all
select
    '-1', -1, 0, 'Unknown', 'Unknown', null, null, -1, null, null, null, null, null, null, null,
    timestamp '1900-01-01 00:00:00', null, true;

create table dim_riders as
with ordered as (
    select
        *,
        row_number() over (partition by rider_id order by updated_at) as version_number
    from riders_ruled
    where disposition = 'kept'
),

windowed as (
    select
        *,
        case when version_number = 1 then least(signed_up_at, updated_at) else updated_at end as valid_from
    from ordered
),

bounded as (
    select
        *,
        lead(valid_from) over (partition by rider_id order by version_number) as valid_to
    from windowed
)

select
    md5(cast(rider_id as varchar) || '|' || cast(updated_at as varchar)) as rider_version_key,
    rider_id, version_number, first_name, last_name, email, phone, home_city_id,
    is_business_text = 'true' as is_business, signed_up_at, updated_at as source_updated_at,
    valid_from, valid_to, valid_to is null as is_current
from bounded
union all
select
    '-1', -1, 0, 'Unknown', 'Unknown', null, null, -1, null, null, null,
    timestamp '1900-01-01 00:00:00', null, true;

-- what the warehouse learned on this (first) run: the snapshots' first fill
create table snap_drivers as
select *, cast(current_timestamp at time zone 'UTC' as timestamp) as dbt_valid_from, null::timestamp as dbt_valid_to
from dim_drivers where driver_id <> -1;

create table snap_riders as
select *, cast(current_timestamp at time zone 'UTC' as timestamp) as dbt_valid_from, null::timestamp as dbt_valid_to
from dim_riders where rider_id <> -1;

create table dim_cities as
select
    city_id as city_key, city_id, city_name, stg_cities.country_code, coalesce(regions.region, 'Unknown') as region,
    currency, timezone, launched_on, updated_at as source_updated_at, false as is_unknown
from stg_cities
left join country_regions as regions on stg_cities.country_code = regions.country_code
union all
select -1, -1, 'Unknown', null, 'Unknown', null, 'UTC', null, null, true;

-- ---------------------------------------------------------------------------
-- cross-table rules: payments and ratings against the trips that made it
-- ---------------------------------------------------------------------------

-- every trip id any export carried, whether it is in the warehouse, and what
-- its payments and ratings are checked against
create table trip_references as
select
    seen.trip_id,
    kept.trip_id is not null as is_in_warehouse,
    kept.status as trip_status,
    kept.requested_at as trip_requested_at,
    coalesce(stg_cities.currency, kept.currency) as trip_currency
from (select distinct trip_id from trips_ruled where trip_id is not null) as seen
left join trips_ruled as kept on seen.trip_id = kept.trip_id and kept.disposition = 'kept'
left join stg_cities on kept.city_id = stg_cities.city_id;

create table payments_checked as
with referenced as (
    select
        payments.*,
        case
            when refs.trip_id is null then 'unknown_trip'
            when not refs.is_in_warehouse then 'trip_quarantined'
            when payments.created_at < refs.trip_requested_at then 'before_trip_request'
            when rates.usd_per_unit is null then 'missing_exchange_rate'
            when payments.currency <> refs.trip_currency then 'currency_mismatch'
        end as reference_rule,
        rates.usd_per_unit
    from payments_ruled as payments
    left join trip_references as refs on payments.trip_id = refs.trip_id
    left join exchange_rates as rates
        on payments.currency = rates.currency
        and cast(date_trunc('month', payments.created_at) as date) = rates.rate_month
    where payments.disposition = 'kept'
),

-- refunds in created_at, payment_id order: one whose running total passes
-- the trip's captured total (amount, or tip) is quarantined
refund_totals as (
    select
        *,
        sum(case when status = 'captured' and reference_rule is null then amount else 0 end)
            over (partition by trip_id) as captured_amount,
        sum(case when status = 'captured' and reference_rule is null then tip_amount else 0 end)
            over (partition by trip_id) as captured_tip,
        sum(case when status = 'refunded' and reference_rule is null then amount else 0 end)
            over by_time as refunded_amount_so_far,
        sum(case when status = 'refunded' and reference_rule is null then tip_amount else 0 end)
            over by_time as refunded_tip_so_far
    from referenced
    window by_time as (partition by trip_id order by created_at, payment_id
                       rows between unbounded preceding and current row)
)

select
    payment_id, trip_id, method, status, amount, tip_amount, currency, created_at, updated_at, usd_per_unit,
    _batch, _line, _row,
    coalesce(
        reference_rule,
        case
            when status = 'refunded'
                and (refunded_amount_so_far > captured_amount or refunded_tip_so_far > captured_tip)
                then 'refund_exceeds_capture'
        end
    ) as rejection_rule
from refund_totals;

create table ratings_checked as
select
    ratings.trip_id, ratings.rated_by, ratings.stars, ratings.rated_at, ratings._batch, ratings._line, ratings._row,
    case
        when refs.trip_id is null then 'unknown_trip'
        when not refs.is_in_warehouse then 'trip_quarantined'
        when refs.trip_status <> 'completed' then 'rating_for_cancelled_trip'
        when ratings.rated_at < refs.trip_requested_at then 'before_trip_request'
    end as rejection_rule
from ratings_ruled as ratings
left join trip_references as refs on ratings.trip_id = refs.trip_id
where ratings.disposition = 'kept';

-- ---------------------------------------------------------------------------
-- facts
-- ---------------------------------------------------------------------------

-- rule 5: USD at the payment month's rate, rounded to cents per payment;
-- captured counts +, refunded -, failed 0
create table fct_payments as
with converted as (
    select
        payment_id, trip_id, method, status,
        amount as amount_local, tip_amount as tip_local, currency,
        cast(date_trunc('month', created_at) as date) as rate_month,
        usd_per_unit,
        cast(round(amount * usd_per_unit, 2) as decimal(14, 2)) as amount_usd,
        cast(round(tip_amount * usd_per_unit, 2) as decimal(14, 2)) as tip_usd,
        case status when 'captured' then 1 when 'refunded' then -1 else 0 end as revenue_sign,
        created_at, updated_at as source_updated_at
    from payments_checked
    where rejection_rule is null
)

select
    *,
    cast(revenue_sign * amount_local as decimal(14, 2)) as net_amount_local,
    cast(revenue_sign * amount_usd as decimal(14, 2)) as net_amount_usd,
    cast(revenue_sign * tip_local as decimal(14, 2)) as net_tip_local,
    cast(revenue_sign * tip_usd as decimal(14, 2)) as net_tip_usd
from converted;

-- one row per kept trip with the driver and rider versions valid at request
-- time (rule 4; unknown -> '-1', rule 3), local date and hour in the city's
-- zone (rule 6), revenue and both sides' ratings
create table fct_trips as
with trips as (
    select * from trips_ruled where disposition = 'kept'
),

revenue as (
    select
        trip_id,
        sum(net_amount_local) as net_revenue_local,
        sum(net_amount_usd) as net_revenue_usd,
        sum(net_tip_local) as tip_local,
        sum(net_tip_usd) as tip_usd
    from fct_payments
    group by trip_id
),

ratings as (
    select
        trip_id,
        max(case when rated_by = 'rider' then stars end) as rider_stars,
        max(case when rated_by = 'driver' then stars end) as driver_stars
    from ratings_checked
    where rejection_rule is null
    group by trip_id
),

versioned as (
    select
        trips.*,
        coalesce(drivers.driver_version_key, '-1') as driver_version_key,
        coalesce(riders.rider_version_key, '-1') as rider_version_key,
        coalesce(stg_cities.city_id, -1) as city_key,
        ((trips.requested_at at time zone 'UTC') at time zone coalesce(stg_cities.timezone, 'UTC'))
            as requested_at_local
    -- versions of one id are contiguous ([valid_from, next valid_from)), so the
    -- version valid at request time is the latest one starting at or before
    -- it: DuckDB's as-of join, instead of a range join on both bounds
    from trips
    asof left join dim_drivers as drivers
        on trips.driver_id = drivers.driver_id
        and trips.requested_at >= drivers.valid_from
    asof left join dim_riders as riders
        on trips.rider_id = riders.rider_id
        and trips.requested_at >= riders.valid_from
    left join stg_cities on trips.city_id = stg_cities.city_id
)

select
    versioned.trip_id, driver_id, rider_id, city_id, city_key, driver_version_key, rider_version_key,
    product, status, status = 'completed' as is_completed,
    requested_at, started_at, ended_at,
    cast(requested_at_local as date) as local_date,
    cast(extract(hour from requested_at_local) as integer) as local_hour,
    distance_km,
    case when status = 'completed' then cast(date_diff('second', started_at, ended_at) / 60.0 as decimal(18, 2)) end
        as duration_min,
    cast(date_diff('second', requested_at, started_at) / 60.0 as decimal(18, 2)) as wait_min,
    surge_multiplier,
    fare_amount as fare_local,
    currency,
    cast(coalesce(revenue.net_revenue_local, 0) as decimal(14, 2)) as net_revenue_local,
    cast(coalesce(revenue.net_revenue_usd, 0) as decimal(14, 2)) as net_revenue_usd,
    cast(coalesce(revenue.tip_local, 0) as decimal(14, 2)) as tip_local,
    cast(coalesce(revenue.tip_usd, 0) as decimal(14, 2)) as tip_usd,
    ratings.rider_stars,
    ratings.driver_stars,
    updated_at as source_updated_at
from versioned
left join revenue on versioned.trip_id = revenue.trip_id
left join ratings on versioned.trip_id = ratings.trip_id;

-- whole months from the month before the first request to the month after the last
create table dim_dates as
with bounds as (
    select
        cast(date_trunc('month', min(requested_at)) - interval 1 month as date) as start_day,
        cast(date_trunc('month', max(requested_at)) + interval 2 month - interval 1 day as date) as end_day
    from fct_trips
),

calendar as (
    select cast(unnest(generate_series(cast(start_day as timestamp), cast(end_day as timestamp), interval 1 day)) as date)
        as date_day
    from bounds
)

select
    date_day,
    cast(extract(year from date_day) as integer) as year,
    cast(extract(quarter from date_day) as integer) as quarter,
    cast(extract(month from date_day) as integer) as month,
    cast(date_trunc('month', date_day) as date) as month_start,
    cast(extract(day from date_day) as integer) as day_of_month,
    cast(extract(isodow from date_day) as integer) as day_of_week,
    extract(isodow from date_day) in (6, 7) as is_weekend
from calendar;

-- ---------------------------------------------------------------------------
-- analytics marts
-- ---------------------------------------------------------------------------

-- every city (and the unknown member) x every local day from the first to the
-- last trip date, zeros included; revenue on the trip's local date
create table mart_city_daily as
with daily as (
    select
        city_key,
        local_date,
        count(*) as trips,
        count(*) filter (where is_completed) as completed_trips,
        count(*) filter (where status = 'cancelled_by_rider') as cancelled_by_rider_trips,
        count(*) filter (where status = 'cancelled_by_driver') as cancelled_by_driver_trips,
        sum(coalesce(distance_km, 0)) as distance_km,
        sum(net_revenue_usd) as net_revenue_usd,
        sum(case when is_completed then net_revenue_usd else 0 end) as completed_trip_revenue_usd,
        sum(case when is_completed then 0 else net_revenue_usd end) as cancellation_fees_usd,
        sum(tip_usd) as tips_usd
    from fct_trips
    group by city_key, local_date
),

city_days as (
    select dim_cities.city_key, dim_cities.city_id, dim_dates.date_day as local_date
    from dim_cities
    cross join dim_dates
    where dim_dates.date_day between (select min(local_date) from fct_trips) and (select max(local_date) from fct_trips)
)

select
    city_days.city_key,
    city_days.city_id,
    city_days.local_date,
    coalesce(daily.trips, 0) as trips,
    coalesce(daily.completed_trips, 0) as completed_trips,
    coalesce(daily.cancelled_by_rider_trips, 0) as cancelled_by_rider_trips,
    coalesce(daily.cancelled_by_driver_trips, 0) as cancelled_by_driver_trips,
    cast(coalesce(daily.distance_km, 0) as decimal(14, 3)) as distance_km,
    cast(coalesce(daily.net_revenue_usd, 0) as decimal(16, 2)) as net_revenue_usd,
    cast(coalesce(daily.completed_trip_revenue_usd, 0) as decimal(16, 2)) as completed_trip_revenue_usd,
    cast(coalesce(daily.cancellation_fees_usd, 0) as decimal(16, 2)) as cancellation_fees_usd,
    cast(coalesce(daily.tips_usd, 0) as decimal(16, 2)) as tips_usd
from city_days
left join daily on city_days.city_key = daily.city_key and city_days.local_date = daily.local_date;

-- per driver and local month, ranked in the city of most of the month's trips
create table mart_driver_monthly as
with per_driver_city as (
    select driver_id, cast(date_trunc('month', local_date) as date) as month, city_key, count(*) as trips
    from fct_trips
    group by all
),

main_city as (
    select driver_id, month, arg_max(city_key, (trips, -city_key)) as city_key
    from per_driver_city
    group by driver_id, month
),

monthly as (
    select
        driver_id,
        cast(date_trunc('month', local_date) as date) as month,
        count(*) as trips,
        count(*) filter (where is_completed) as completed_trips,
        count(*) filter (where status = 'cancelled_by_driver') as cancelled_by_driver_trips,
        sum(net_revenue_usd) as net_revenue_usd,
        avg(rider_stars) as avg_rider_stars,
        count(rider_stars) as ratings_received
    from fct_trips
    group by driver_id, cast(date_trunc('month', local_date) as date)
)

select
    monthly.driver_id,
    main_city.city_key,
    dim_cities.city_id,
    monthly.month,
    trips,
    completed_trips,
    cancelled_by_driver_trips,
    cast(cast(cancelled_by_driver_trips as decimal(18, 6)) / trips as decimal(8, 4)) as cancellation_rate,
    cast(net_revenue_usd as decimal(16, 2)) as net_revenue_usd,
    cast(avg_rider_stars as decimal(6, 3)) as avg_rider_stars,
    ratings_received,
    cast(rank() over (partition by main_city.city_key, monthly.month order by completed_trips desc) as integer)
        as rank_in_city
from monthly
inner join main_city on monthly.driver_id = main_city.driver_id and monthly.month = main_city.month
inner join dim_cities on main_city.city_key = dim_cities.city_key;

-- retention by UTC signup month over local activity months
create table mart_rider_cohorts as
with cohorts as (
    select rider_id, cast(date_trunc('month', signed_up_at) as date) as cohort_month
    from dim_riders
    where is_current and rider_version_key <> '-1'
),

cohort_sizes as (
    select cohort_month, count(*) as cohort_riders from cohorts group by cohort_month
),

activity_months as (
    select distinct cast(date_trunc('month', local_date) as date) as activity_month from fct_trips
),

active_per_cohort as (
    -- a trip in the local month before a UTC signup counts in the signup month
    select
        cohorts.cohort_month,
        greatest(active.activity_month, cohorts.cohort_month) as activity_month,
        count(distinct active.rider_id) as active_riders
    from (select distinct rider_id, cast(date_trunc('month', local_date) as date) as activity_month
          from fct_trips where is_completed) as active
    inner join cohorts on active.rider_id = cohorts.rider_id
    group by all
)

select
    grid.cohort_month,
    grid.activity_month,
    cast(datediff('month', grid.cohort_month, grid.activity_month) as integer) as months_since_signup,
    grid.cohort_riders,
    coalesce(active_per_cohort.active_riders, 0) as active_riders,
    cast(round(100.0 * coalesce(active_per_cohort.active_riders, 0) / grid.cohort_riders, 2) as decimal(6, 2))
        as retention_pct
from (
    select cohort_sizes.*, activity_months.activity_month
    from cohort_sizes
    inner join activity_months on cohort_sizes.cohort_month <= activity_months.activity_month
) as grid
left join active_per_cohort
    on grid.cohort_month = active_per_cohort.cohort_month and grid.activity_month = active_per_cohort.activity_month;

-- ---------------------------------------------------------------------------
-- ML: per driver and UTC day, features from events strictly before the day
-- ---------------------------------------------------------------------------

-- each event on its own UTC day: request, driver cancellation, completion,
-- rider's rating received, net revenue by payment time
create table driver_daily_activity as
with events as (
    select driver_id, cast(requested_at as date) as activity_date,
        1 as trips_requested, (status = 'cancelled_by_driver')::int as trips_cancelled_by_driver,
        0 as trips_completed, 0 as ratings_received, 0 as stars_received, 0 as net_revenue_usd
    from fct_trips
    union all
    select driver_id, cast(ended_at as date), 0, 0, 1, 0, 0, 0
    from fct_trips where is_completed
    union all
    select fct_trips.driver_id, cast(ratings_checked.rated_at as date), 0, 0, 0, 1, ratings_checked.stars, 0
    from ratings_checked inner join fct_trips on ratings_checked.trip_id = fct_trips.trip_id
    where ratings_checked.rated_by = 'rider' and ratings_checked.rejection_rule is null
    union all
    select fct_trips.driver_id, cast(fct_payments.created_at as date), 0, 0, 0, 0, 0, fct_payments.net_amount_usd
    from fct_payments inner join fct_trips on fct_payments.trip_id = fct_trips.trip_id
)

select
    driver_id,
    activity_date,
    sum(trips_requested) as trips_requested,
    sum(trips_cancelled_by_driver) as trips_cancelled_by_driver,
    sum(trips_completed) as trips_completed,
    sum(ratings_received) as ratings_received,
    sum(stars_received) as stars_received,
    cast(sum(net_revenue_usd) as decimal(16, 2)) as net_revenue_usd
from events
group by driver_id, activity_date;

-- the dense grid (driver x day after signup, within the activity range):
-- lifetime running totals, 7/28-day windows as differences of totals, and the
-- driver version valid just before the day starts
create table ml_driver_daily_features as
with signups as (
    select driver_id, min(signed_up_at) as signed_up_at
    from dim_drivers
    where driver_version_key <> '-1'
    group by driver_id
),

feature_range as (
    select min(activity_date) as first_date, max(activity_date) + 1 as last_date from driver_daily_activity
),

grid as (
    select signups.driver_id, signups.signed_up_at, dim_dates.date_day as feature_date
    from signups
    cross join feature_range
    inner join dim_dates
        on dim_dates.date_day between feature_range.first_date and feature_range.last_date
        and dim_dates.date_day > cast(signups.signed_up_at as date)
),

totals as (
    select
        grid.driver_id,
        grid.signed_up_at,
        grid.feature_date,
        sum(coalesce(a.trips_requested, 0)) over running as trips_requested_lifetime,
        sum(coalesce(a.trips_cancelled_by_driver, 0)) over running as cancelled_by_driver_lifetime,
        sum(coalesce(a.trips_completed, 0)) over running as completed_trips_lifetime,
        sum(coalesce(a.ratings_received, 0)) over running as ratings_received_lifetime,
        sum(coalesce(a.stars_received, 0)) over running as stars_received_lifetime,
        sum(coalesce(a.net_revenue_usd, 0)) over running as net_revenue_usd_lifetime
    from grid
    left join driver_daily_activity as a
        on grid.driver_id = a.driver_id and grid.feature_date - 1 = a.activity_date
    window running as (partition by grid.driver_id order by grid.feature_date
                       rows between unbounded preceding and current row)
),

windowed as (
    select
        *,
        completed_trips_lifetime - coalesce(lag(completed_trips_lifetime, 7) over by_driver, 0) as completed_trips_7d,
        net_revenue_usd_lifetime - coalesce(lag(net_revenue_usd_lifetime, 7) over by_driver, 0) as net_revenue_usd_7d,
        trips_requested_lifetime - coalesce(lag(trips_requested_lifetime, 28) over by_driver, 0) as trips_requested_28d,
        cancelled_by_driver_lifetime - coalesce(lag(cancelled_by_driver_lifetime, 28) over by_driver, 0)
            as cancelled_by_driver_28d,
        completed_trips_lifetime - coalesce(lag(completed_trips_lifetime, 28) over by_driver, 0) as completed_trips_28d,
        ratings_received_lifetime - coalesce(lag(ratings_received_lifetime, 28) over by_driver, 0)
            as ratings_received_28d,
        stars_received_lifetime - coalesce(lag(stars_received_lifetime, 28) over by_driver, 0) as stars_received_28d,
        net_revenue_usd_lifetime - coalesce(lag(net_revenue_usd_lifetime, 28) over by_driver, 0) as net_revenue_usd_28d
    from totals
    window by_driver as (partition by driver_id order by feature_date)
)

select
    windowed.driver_id,
    windowed.feature_date,
    cast(windowed.feature_date - cast(windowed.signed_up_at as date) as integer) as days_since_signup,
    drivers.product as product_as_of,
    drivers.city_id as city_id_as_of,
    drivers.status as status_as_of,
    completed_trips_7d,
    completed_trips_28d,
    trips_requested_28d,
    cast(case when trips_requested_28d > 0 then cast(cancelled_by_driver_28d as decimal(18, 6)) / trips_requested_28d end
        as decimal(8, 4)) as cancellation_rate_28d,
    ratings_received_28d,
    cast(case when ratings_received_28d > 0 then cast(stars_received_28d as decimal(18, 6)) / ratings_received_28d end
        as decimal(6, 3)) as avg_rider_stars_28d,
    cast(net_revenue_usd_7d as decimal(16, 2)) as net_revenue_usd_7d,
    cast(net_revenue_usd_28d as decimal(16, 2)) as net_revenue_usd_28d,
    completed_trips_lifetime,
    trips_requested_lifetime,
    cancelled_by_driver_lifetime,
    ratings_received_lifetime,
    stars_received_lifetime,
    cast(net_revenue_usd_lifetime as decimal(18, 2)) as net_revenue_usd_lifetime
-- the version valid just before the day starts: the latest one starting
-- before feature_date (versions are contiguous; as-of join, as in fct_trips)
from windowed
asof left join dim_drivers as drivers
    on windowed.driver_id = drivers.driver_id
    and windowed.feature_date > drivers.valid_from;

-- ---------------------------------------------------------------------------
-- data quality: every rejected raw row with its rule and raw values, and a
-- score per source table and export
-- ---------------------------------------------------------------------------

create table dq_quarantine as
with rejected as (
    select 'cities' as source_table, cast(city_id as varchar) as record_key, rejection_rule as rule, _batch, _line, _row
    from cities_ruled where disposition = 'quarantined'
    union all
    select 'drivers', cast(driver_id as varchar), rejection_rule, _batch, _line, _row
    from drivers_ruled where disposition = 'quarantined'
    union all
    select 'riders', cast(rider_id as varchar), rejection_rule, _batch, _line, _row
    from riders_ruled where disposition = 'quarantined'
    union all
    select 'trips', cast(trip_id as varchar), rejection_rule, _batch, _line, _row
    from trips_ruled where disposition = 'quarantined'
    union all
    select 'payments', cast(payment_id as varchar), rejection_rule, _batch, _line, _row
    from payments_ruled where disposition = 'quarantined'
    union all
    select 'ratings', cast(trip_id as varchar) || '|' || rated_by, rejection_rule, _batch, _line, _row
    from ratings_ruled where disposition = 'quarantined'
    union all
    select 'payments', cast(payment_id as varchar), rejection_rule, _batch, _line, _row
    from payments_checked where rejection_rule is not null
    union all
    select 'ratings', cast(trip_id as varchar) || '|' || rated_by, rejection_rule, _batch, _line, _row
    from ratings_checked where rejection_rule is not null
),

-- the raw values (the whole raw row as JSON), read back for the rejected rows only
raw_values as (
    select 'cities' as source_table, r._row, cast(to_json(r) as varchar) as v
    from raw.cities as r where r._row in (select _row from rejected where source_table = 'cities')
    union all
    select 'drivers' as source_table, r._row, cast(to_json(r) as varchar) as v
    from raw.drivers as r where r._row in (select _row from rejected where source_table = 'drivers')
    union all
    select 'riders' as source_table, r._row, cast(to_json(r) as varchar) as v
    from raw.riders as r where r._row in (select _row from rejected where source_table = 'riders')
    union all
    select 'trips' as source_table, r._row, cast(to_json(r) as varchar) as v
    from raw.trips as r where r._row in (select _row from rejected where source_table = 'trips')
    union all
    select 'payments' as source_table, r._row, cast(to_json(r) as varchar) as v
    from raw.payments as r where r._row in (select _row from rejected where source_table = 'payments')
    union all
    select 'ratings' as source_table, r._row, cast(to_json(r) as varchar) as v
    from raw.ratings as r where r._row in (select _row from rejected where source_table = 'ratings')
)

select rejected.source_table, record_key, rule, _batch as batch, _line as line, rejected._row, raw_values.v as raw_values
from rejected
left join raw_values on rejected.source_table = raw_values.source_table and rejected._row = raw_values._row;

-- valid rows / total rows x 100 per table and export: a row is invalid when
-- it breaks a row rule (even as a superseded copy) or sits in quarantine
create table dq_scores as
with raw_rows as (
    select 'cities' as source_table, _batch, _row, rejection_rule from cities_ruled
    union all select 'drivers', _batch, _row, rejection_rule from drivers_ruled
    union all select 'riders', _batch, _row, rejection_rule from riders_ruled
    union all select 'trips', _batch, _row, rejection_rule from trips_ruled
    union all select 'payments', _batch, _row, rejection_rule from payments_ruled
    union all select 'ratings', _batch, _row, rejection_rule from ratings_ruled
),

judged as (
    select
        raw_rows.source_table,
        raw_rows._batch as batch,
        raw_rows.rejection_rule is null
        and not exists (
            select 1 from dq_quarantine as q
            where q.source_table = raw_rows.source_table and q._row = raw_rows._row
        ) as is_valid
    from raw_rows
)

select
    source_table,
    batch,
    count(*) as total_rows,
    count(*) filter (where is_valid) as valid_rows,
    count(*) filter (where not is_valid) as invalid_rows,
    cast(round(100.0 * count(*) filter (where is_valid) / count(*), 2) as decimal(6, 2)) as score
from judged
group by source_table, batch;

-- summaries the dq marts also give: rows per table and rule, score per export
create table dq_rule_summary as
select
    source_table,
    rule,
    count(*) as quarantined_rows,
    count(distinct batch) as exports,
    min(batch) as first_batch,
    max(batch) as last_batch
from dq_quarantine
group by source_table, rule;

create table dq_scores_overall as
select
    batch,
    count(*) as source_tables,
    sum(total_rows) as total_rows,
    sum(valid_rows) as valid_rows,
    sum(total_rows) - sum(valid_rows) as invalid_rows,
    cast(round(100.0 * sum(valid_rows) / sum(total_rows), 2) as decimal(6, 2)) as score
from dq_scores
group by batch;

-- ---------------------------------------------------------------------------
-- checks: the few a careful engineer runs after such a script (the project
-- runs far more as dbt data tests); a failure stops the script with its name
-- ---------------------------------------------------------------------------

create table checks as
select 'fct_trips.trip_id unique' as check_name, count(*) - count(distinct trip_id) as failures from fct_trips
union all
select 'fct_payments.payment_id unique', count(*) - count(distinct payment_id) from fct_payments
union all
select 'dim_drivers.driver_version_key unique', count(*) - count(distinct driver_version_key) from dim_drivers
union all
select 'dim_riders.rider_version_key unique', count(*) - count(distinct rider_version_key) from dim_riders
union all
select 'fct_trips.driver_version_key in dim_drivers', count(*) from fct_trips
where driver_version_key not in (select driver_version_key from dim_drivers)
union all
select 'fct_trips.rider_version_key in dim_riders', count(*) from fct_trips
where rider_version_key not in (select rider_version_key from dim_riders)
union all
select 'fct_trips.city_key in dim_cities', count(*) from fct_trips
where city_key not in (select city_key from dim_cities)
union all
select 'fct_payments.trip_id in fct_trips', count(*) from fct_payments
where trip_id not in (select trip_id from fct_trips)
union all
select 'SCD2 versions do not overlap', count(*) from dim_drivers where valid_to <= valid_from
union all
-- rule 2: every raw trip row is in the facts, superseded, or in quarantine
select 'every raw trip accounted for',
    (select count(*) from raw.trips)
    - (select count(*) from fct_trips)
    - (select count(*) from trips_ruled where disposition = 'superseded')
    - (select count(*) from dq_quarantine where source_table = 'trips');

-- rule 3: how many trips point at an unknown member (reported, not a failure)
create table unknown_members as
select
    count(*) filter (where driver_version_key = '-1') as trips_with_unknown_driver,
    count(*) filter (where rider_version_key = '-1') as trips_with_unknown_rider,
    count(*) filter (where city_key = -1) as trips_with_unknown_city
from fct_trips;

select error('baseline check failed: ' || string_agg(check_name || ' (' || failures || ')', ', '))
from checks
where failures <> 0
having count(*) > 0;
