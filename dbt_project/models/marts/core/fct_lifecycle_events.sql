{#- One row per lifecycle event of a person, from every source (ATS and HRIS), with a surrogate event_id and
    references to the source record (ids only). event_sequence orders a person's events (date, then the
    natural order of the funnel). Events of records not linked to a person carry the unknown member '-1'. -#}
with

events as (

    select * from {{ ref('int_lifecycle_events_unioned') }}

)

{#- Events of one day in the natural order of the funnel, then by type and source record. -#}
select
    events.*,
    row_number() over (
        partition by person_key
        order by
            event_date,
            case event_type
                when 'event_signup' then 1 when 'talent_pool_added' then 2 when 'alumni_contact' then 3
                when 'applied' then 4 when 'screened' then 5 when 'interviewed' then 6 when 'offered' then 7
                when 'offer_accepted' then 8 when 'offer_declined' then 8 when 'rejected' then 9
                when 'withdrawn' then 9 when 'exited' then 10 when 'hired' then 11 when 'rehired' then 11
                else 12
            end,
            event_type,
            source_record_id
    ) as event_sequence
from events
