{#-
    The only model after staging that holds direct identifiers: one row per person_key with the preferred
    name, emails, phone, national ID hash and birth date, and every distinct name / email / phone seen in any
    source record of the person. Preferred values come from the most authoritative, most recent record:
    HRIS employment (latest hire) > ATS candidate profile (latest created) > event sign-up (latest event) >
    IM account. Built in schema `restricted`, tagged `pii`.
-#}
with

crosswalk as (

    select * from {{ ref('int_person_records_resolved') }}

),

employees as (

    select * from {{ ref('stg_hris__employees') }}

),

candidates as (

    select * from {{ ref('stg_ats__candidates') }}

),

signups as (

    select * from {{ ref('stg_ats__event_signups') }}

),

im_accounts as (

    select * from {{ ref('stg_im__accounts') }}

),

records as (

    select
        x.person_key, 1 as source_priority, e.hire_date as record_date, x.record_id,
        e.full_name, e.work_email, e.personal_email as other_email, e.phone,
        e.national_id_hash, e.birth_date
    from crosswalk as x
    inner join employees as e
        on x.record_source = 'hris__employees' and e.employee_id = x.source_record_id

    union all

    select
        x.person_key, 2, c.created_date, x.record_id,
        c.full_name, {{ dbt.cast('null', dbt.type_string()) }}, c.email, c.phone,
        {{ dbt.cast('null', dbt.type_string()) }}, c.birth_date
    from crosswalk as x
    inner join candidates as c
        on x.record_source = 'ats__candidates' and c.candidate_id = x.source_record_id

    union all

    select
        x.person_key, 3, s.event_date, x.record_id,
        s.full_name, null, s.email, s.phone, null, {{ dbt.cast('null', 'date') }}
    from crosswalk as x
    inner join signups as s
        on x.record_source = 'ats__event_signups' and s.signup_id = x.source_record_id

    union all

    select
        x.person_key, 4, {{ dbt.cast('null', 'date') }}, x.record_id,
        a.display_name, null, a.email, a.phone, null, null
    from crosswalk as x
    inner join im_accounts as a
        on x.record_source = 'im__accounts' and a.im_account_id = x.source_record_id

),

ranked as (

    select
        records.*,
        row_number() over (
            partition by person_key
            order by source_priority, case when record_date is null then 1 else 0 end, record_date desc, record_id
        ) as record_rank
    from records

),

{#- the first non-null value of each identifier in the ranking above, all in one pass -#}
preferred as (

    select
        person_key,
        {{ trm.first_non_null_by('full_name', 'record_rank') }} as full_name,
        {{ trm.first_non_null_by('work_email', 'record_rank') }} as work_email,
        {{ trm.first_non_null_by('other_email', 'record_rank') }} as email,
        {{ trm.first_non_null_by('phone', 'record_rank') }} as phone,
        {{ trm.first_non_null_by('national_id_hash', 'record_rank') }} as national_id_hash,
        {{ trm.first_non_null_by('birth_date', 'record_rank') }} as birth_date,
        count(*) as record_count
    from ranked
    group by person_key

),

all_names as (

    select person_key, {{ dbt.listagg('full_name', "' | '", 'order by full_name') }} as all_names
    from (select distinct person_key, full_name from ranked where full_name is not null) as names
    group by person_key

),

all_emails as (

    select person_key, {{ dbt.listagg('email', "', '", 'order by email') }} as all_emails
    from (
        select distinct person_key, email
        from (
            select person_key, work_email as email from ranked where work_email is not null
            union all
            select person_key, other_email from ranked where other_email is not null
        ) as all_email_values
    ) as emails
    group by person_key

),

all_phones as (

    select person_key, {{ dbt.listagg('phone', "', '", 'order by phone') }} as all_phones
    from (select distinct person_key, phone from ranked where phone is not null) as phones
    group by person_key

)

select
    p.person_key,
    p.full_name,
    an.all_names,
    p.work_email,
    p.email,
    ae.all_emails,
    p.phone,
    ap.all_phones,
    p.national_id_hash,
    p.birth_date,
    p.record_count
from preferred as p
left join all_names as an on an.person_key = p.person_key
left join all_emails as ae on ae.person_key = p.person_key
left join all_phones as ap on ap.person_key = p.person_key
