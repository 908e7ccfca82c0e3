{#-
    Phone numbers to E.164 ('+' then country code and national number, digits only), or null.

      '+86 138 0013 8000', '+8613800138000', '008613800138000', '13800138000', '138-0013-8000' -> '+8613800138000'
      '+65 8123 4567', '+65-81234567', '006581234567'                                        -> '+6581234567'
      'n/a', '12345', '138 0013 8000 ext 2', '+86 138 0013 800'                             -> null

    Rules, in order:
      1. Full-width digits/signs become ASCII and parentheses are dropped; anything else but digits, spaces,
         '.', '/', '-' and '+' makes the value junk (null).
      2. A leading '+' or '00' (international call prefix) means the country code is already there.
      3. Otherwise the number is national: a leading trunk '0' is dropped and `default_country_code` prefixed.
         For China (86) a national number without trunk '0' must be an 11-digit mobile (1xx..., also accepted
         behind a bare '86'): a bare
         8-digit landline has no area code, and a bare 10-digit number is not Chinese at all (often a US/UK
         number written without its country code), so they become null rather than a wrong +86 number.
      4. The result must have 8-15 digits and a country code not starting with 0; a +86 number needs an
         11-digit mobile (1 but not 10...) or a 9-11 digit landline (area code without 0 + subscriber).

    default_country_code defaults to var('default_country_code') ('86'). Only the regular-expression call is
    engine specific (trm.regexp_replace_all); the rest is ANSI SQL plus dbt's cross-database macros.
-#}
{% macro normalize_phone(column, default_country_code=none) -%}
    {%- set country_code = (default_country_code if default_country_code is not none
                            else var('default_country_code', '86')) | string -%}
    {%- if not (country_code | length > 0 and country_code | length <= 3 and country_code.isdigit()
                and not country_code.startswith('0')) -%}
        {{ exceptions.raise_compiler_error("normalize_phone: default_country_code must be 1-3 digits, got '" ~ country_code ~ "'") }}
    {%- endif -%}
    {{ return(adapter.dispatch('normalize_phone', 'trm')(column, country_code)) }}
{%- endmacro %}

{% macro default__normalize_phone(column, country_code) -%}
    {#- full-width digits and signs (common in Chinese input) to ASCII; parentheses dropped: '(+86) 138...' -#}
    {%- set ascii = "translate(" ~ column ~ ", '０１２３４５６７８９＋－（）　', '0123456789+-() ')" -%}
    {%- set trimmed = "trim(replace(replace(" ~ ascii ~ ", '(', ''), ')', ''))" -%}
    {%- set digits = trm.regexp_replace_all(trimmed, '[^0-9]', '') -%}
    {%- set junk = trm.regexp_replace_all(trimmed, '[0-9 ./+-]', '') -%}
    {%- set cc = "'" ~ country_code ~ "'" -%}
    case
        when {{ column }} is null or {{ junk }} <> '' then null
        when substr({{ trimmed }}, 1, 1) = '+' then {{ trm._e164_if_valid(digits) }}
        when {{ digits }} like '00%' then {{ trm._e164_if_valid("substr(" ~ digits ~ ", 3)") }}
        when {{ digits }} like '0%' then {{ trm._e164_if_valid(dbt.concat([cc, "substr(" ~ digits ~ ", 2)"])) }}
        {%- if country_code == '86' %}
        {# without trunk 0 a Chinese number is valid only as an 11-digit mobile, possibly behind '86' #}
        when {{ digits }} like '1__________' and {{ digits }} not like '10%' then {{ dbt.concat(["'+86'", digits]) }}
        when {{ digits }} like '861__________' and {{ digits }} not like '8610%' then {{ dbt.concat(["'+'", digits]) }}
        {%- else %}
        else {{ trm._e164_if_valid(dbt.concat([cc, digits])) }}
        {%- endif %}
    end
{%- endmacro %}

{#- '+' || digits when `digits` (country code + national number, digits only) is a plausible E.164 number:
    8-15 digits, country code not starting with 0; +86 numbers are 11-digit mobiles (1x, not 10) or 9-11
    digit landlines (area code without trunk 0). -#}
{% macro _e164_if_valid(digits) -%}
    case
        when {{ dbt.length(digits) }} between 8 and 15
            and {{ digits }} not like '0%'
            and (
                {{ digits }} not like '86%'
                or ({{ digits }} like '861%' and {{ digits }} not like '8610%' and {{ dbt.length(digits) }} = 13)
                or ({{ digits }} not like '860%' and {{ dbt.length(digits) }} between 11 and 13
                    and ({{ digits }} not like '861%' or {{ digits }} like '8610%'))
            )
        then {{ dbt.concat(["'+'", digits]) }}
    end
{%- endmacro %}
