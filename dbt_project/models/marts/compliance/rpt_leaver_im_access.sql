{#- Leavers whose IM account is still active after their exit: one row per person and IM account, for people
    whose latest employment has ended (dim_person lifecycle_stage 'alumnus') and whose account, linked to them by
    the identity crosswalk (int_im_accounts_linked), is not deactivated (access_status 'still_active') or was
    deactivated after the exit date ('deactivated_late'). days_since_exit counts to the as-of date;
    days_active_after_exit to the deactivation date (or the as-of date while still active). -#}
with

leavers as (

    select person_key, latest_exit_date as exit_date
    from {{ ref('dim_person') }}
    where lifecycle_stage = 'alumnus' and not is_unknown_member and latest_exit_date is not null

),

accounts as (

    select
        im_account_id,
        person_key,
        platform,
        is_deactivated,
        {{ dbt.cast('deactivated_at_utc', 'date') }} as deactivated_date
    from {{ ref('int_im_accounts_linked') }}
    where person_key <> {{ unknown_person_key() }}

),

exposed as (

    select
        a.im_account_id,
        a.person_key,
        a.platform,
        l.exit_date,
        a.deactivated_date,
        not coalesce(a.is_deactivated, false) as is_still_active
    from accounts as a
    inner join leavers as l
        on l.person_key = a.person_key
    where not coalesce(a.is_deactivated, false)
        or a.deactivated_date > l.exit_date

)

select
    {{ surrogate_key(['person_key', 'im_account_id']) }} as leaver_im_access_id,
    person_key,
    platform,
    exit_date,
    deactivated_date,
    is_still_active,
    case when is_still_active then 'still_active' else 'deactivated_late' end as access_status,
    {{ dbt.datediff('exit_date', as_of_date(), 'day') }} as days_since_exit,
    case
        when is_still_active then {{ dbt.datediff('exit_date', as_of_date(), 'day') }}
        else {{ dbt.datediff('exit_date', 'deactivated_date', 'day') }}
    end as days_active_after_exit
from exposed
