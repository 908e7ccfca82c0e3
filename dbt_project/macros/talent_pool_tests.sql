{#-
    Generic data tests of the talent-pool marts (models/marts/talent_pools).
-#}

{#- Daily pool size reconciles with the membership spans: members(d) = members(d-1) + joined(d) - left_pool(d)
    for every pool and every day after the first of the window. One row per violation. -#}
{% test talent_pool_daily_reconciles(model) %}
    with days as (
        select
            pool_id,
            date_day,
            members,
            joined,
            left_pool,
            lag(members) over (partition by pool_id order by date_day) as previous_members
        from {{ model }}
    )

    select *
    from days
    where previous_members is not null
        and previous_members + joined - left_pool <> members
{% endtest %}
