{#- How staging reads the raw text of an export: one definition per kind of
    value, the same SQL text on both engines (only nfc, capitalise_words and
    matches_regex dispatch, in cross_engine.sql), so a value means the same
    thing on DuckDB and PostgreSQL (issue 13, items 3 and 4; rule text in
    models/rules.md, doc blocks rule_value_spelling and rule_text_form).

    Typed values (timestamps, dates, money amounts) are read exactly as the
    contract spells them: nothing is trimmed, so ' 2025-01-10 14:00:00' is
    not a timestamp, like ' 5' is not an integer for the loader
    (scripts/raw_contract.py). A parser returns null when the text does not
    parse; the base models quarantine the row (unparseable_timestamp,
    invalid_measure). Only an empty field (null in raw) is blank. -#}

{#- The Unicode White_Space characters beyond ASCII's tab, line feed,
    vertical tab, form feed, carriage return and space, as one string: the
    one list behind every engine's whitespace class and PostgreSQL's btrim. -#}
{% macro unicode_space_characters() -%}
    {{ return("\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000") }}
{%- endmacro %}

{#- The characters Unicode calls White_Space (PropList.txt): tab, LF, VT,
    FF, CR, space, NEL, no-break space, ogham space mark, U+2000-U+200A,
    line and paragraph separators, narrow no-break space, medium
    mathematical space, ideographic space. A bracket expression whose text is
    the same for RE2 (DuckDB) and PostgreSQL's regular expressions: the ASCII
    controls as escapes, the others as the characters themselves (Jinja
    decodes the \u escapes below). -#}
{% macro whitespace_class() -%}
    {{ return(adapter.dispatch('whitespace_class', 'ridehail')()) }}
{%- endmacro %}

{% macro default__whitespace_class() -%}
    {%- set unicode_spaces = unicode_space_characters() -%}
    [\t\n\v\f\r {{ unicode_spaces }}]
{%- endmacro %}

{#- The same class for Spark, whose string literals read backslash escapes
    themselves ('\v' would arrive as a plain v): doubled backslashes reach
    Java's regular expressions as \t, \n, \x0B (VT), \f, \r. -#}
{% macro spark__whitespace_class() -%}
    {%- set unicode_spaces = unicode_space_characters() -%}
    [\\t\\n\\x0B\\f\\r {{ unicode_spaces }}]
{%- endmacro %}

{#- Text as a person means it: NFC, without leading or trailing whitespace of
    any kind (whitespace_class). Codes and domain values go through it before
    their case is set. -#}
{% macro clean_text(column) -%}
    {{ return(adapter.dispatch('clean_text', 'ridehail')(column)) }}
{%- endmacro %}

{% macro default__clean_text(column) -%}
    {{ replace_all_regex(nfc(column), '^' ~ whitespace_class() ~ '+|' ~ whitespace_class() ~ '+$', '') }}
{%- endmacro %}

{#- PostgreSQL: btrim over the same characters as whitespace_class strips
    exactly what the two anchored regular expressions strip, without running
    PostgreSQL's regex engine on every raw value (issue 16: the base models
    are the slowest of the PostgreSQL build). chr(11) because E'' strings
    have no \v. -#}
{% macro postgres__clean_text(column) -%}
    {%- set unicode_spaces = unicode_space_characters() -%}
    btrim({{ nfc(column) }}, chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || ' {{ unicode_spaces }}')
{%- endmacro %}

{#- A name (person, vehicle, city): clean_text, with every inner run of
    whitespace one plain space. The case is kept as written: "McDonald" and
    "van der Berg" are their owners' spelling. -#}
{% macro clean_name(column) -%}
    {{ replace_all_regex(clean_text(column), whitespace_class() ~ '+', ' ') }}
{%- endmacro %}

{#- An email: clean_text, lower-cased. -#}
{% macro clean_email(column) -%}
    lower({{ clean_text(column) }})
{%- endmacro %}

{#- A city name in title case: clean_name, lower-cased, then the first
    character of every word upper-cased, where words are separated by a space
    or a hyphen only. An apostrophe does not start a word ("o'higgins" ->
    "O'higgins", "l'aquila" -> "L'aquila": no casing rule after an apostrophe
    fits every language), nor does a combining accent (NFC first: "são paulo"
    -> "São Paulo", never "SãO"). "  nEW yORK" -> "New York",
    "saint-denis" -> "Saint-Denis". -#}
{% macro title_case(column) -%}
    {{ capitalise_words('lower(' ~ clean_name(column) ~ ')') }}
{%- endmacro %}

{#- The regular expression of a `YYYY-MM-DD` day (no anchors): two-digit
    month 01-12 and a day the month can have (01-28 always, 29-30 except in
    February, 31 in the months of 31 days, 02-29 left to is_calendar_day).
    The field ranges live in the pattern, so one regex match does most of the
    work (as fast as DuckDB's strptime, measured: BENCHMARKS.md). -#}
{% macro day_pattern() -%}
    [0-9]{4}-(((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8]))|((0[13-9]|1[0-2])-(29|30))|((0[13578]|1[02])-31)|(02-29))
{%- endmacro %}

{#- True when a text that matches day_pattern at its start is a day of the
    proleptic Gregorian calendar: year 0001-9999, and 29 February only in a
    leap year (divisible by 4; centuries only when divisible by 400). -#}
{% macro is_calendar_day(column) -%}
    (
        substr({{ column }}, 1, 4) <> '0000'
        and (
            substr({{ column }}, 6, 5) <> '02-29'
            or cast(substr({{ column }}, 1, 4) as integer) % 400 = 0
            or (
                cast(substr({{ column }}, 1, 4) as integer) % 4 = 0
                and cast(substr({{ column }}, 1, 4) as integer) % 100 <> 0
            )
        )
    )
{%- endmacro %}

{#- A `YYYY-MM-DD HH:MM:SS` text (the contract's timestamp, UTC) as a
    timestamp, else null: exactly that shape (two-digit fields, one space, no
    padding), a calendar day (day_pattern, is_calendar_day), hour 00-23,
    minute and second 00-59. So '24:00:00', second 60, '2025-1-15 9:00:00'
    and two spaces are null on both engines (PostgreSQL alone would read the
    first two as the next day or minute, DuckDB's strptime the others). The
    nested case keeps the cast away from text of another shape. -#}
{% macro safe_timestamp(column) -%}
    case
        when {{ matches_regex(column, '^' ~ day_pattern() ~ ' ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$') }}
            then case when {{ is_calendar_day(column) }} then cast({{ column }} as timestamp) end
    end
{%- endmacro %}

{#- A `YYYY-MM-DD` text (the contract's date) as a date, else null: exactly
    that shape and a calendar day (day_pattern, is_calendar_day). -#}
{% macro safe_date(column) -%}
    case
        when {{ matches_regex(column, '^' ~ day_pattern() ~ '$') }}
            then case when {{ is_calendar_day(column) }} then cast({{ column }} as date) end
    end
{%- endmacro %}

{#- A money amount as written in raw (text, rule 5): a decimal(12, 2) when the
    text is a plain decimal number with at most 10 integer digits and at most
    the currency's 2 minor units (trailing zeros aside), else null; never an
    error, never rounded, never trimmed. -#}
{% macro safe_amount(column) -%}
    case
        when
            {{ matches_regex(column, '^[+-]?[0-9]{1,10}([.][0-9]+)?$') }}
            and not {{ has_excess_decimals(column) }}
            then cast({{ column }} as decimal(12, 2))
    end
{%- endmacro %}

{#- True when a raw amount is a number with a non-zero digit past the
    currency's 2 minor units: 10.005 or 10.0001, not 10.50 or 10.500. -#}
{% macro has_excess_decimals(column) -%}
    coalesce({{ matches_regex(column, '^[+-]?[0-9]*[.][0-9]{2}0*[1-9][0-9]*$') }}, false)
{%- endmacro %}
