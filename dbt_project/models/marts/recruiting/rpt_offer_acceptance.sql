{#- Offers per month offered (first day of the month of offered_date) x requisition department x source
    channel of the application. acceptance_rate = accepted / decided offers (accepted, declined, expired);
    pending and rescinded offers are counted but not decided. -#}
with

offers as (

    select
        o.offer_id,
        o.offer_status,
        {{ dbt.cast(dbt.date_trunc('month', 'o.offered_date'), 'date') }} as offer_month,
        a.department_id,
        a.source_channel
    from {{ ref('int_offers_linked') }} as o
    left join {{ ref('int_applications_linked') }} as a
        on a.application_id = o.application_id
    where o.offered_date is not null

),

grouped as (

    select
        offer_month,
        department_id,
        source_channel,
        count(*) as offers,
        sum(case when offer_status = 'accepted' then 1 else 0 end) as accepted,
        sum(case when offer_status = 'declined' then 1 else 0 end) as declined,
        sum(case when offer_status = 'expired' then 1 else 0 end) as expired,
        sum(case when offer_status = 'rescinded' then 1 else 0 end) as rescinded,
        sum(case when offer_status = 'pending' then 1 else 0 end) as pending
    from offers
    group by offer_month, department_id, source_channel

)

select
    {{ surrogate_key(['offer_month', 'department_id', 'source_channel']) }} as offer_acceptance_key,
    offer_month,
    department_id,
    source_channel,
    offers,
    accepted,
    declined,
    expired,
    rescinded,
    pending,
    case when accepted + declined + expired > 0
        then {{ dbt.cast('accepted', dbt.type_numeric()) }} / (accepted + declined + expired)
    end as acceptance_rate
from grouped
