{#-
    Generic data tests of the workforce marts (models/marts/workforce).
-#}

{#- Monthly headcount movements reconcile: start + hires - exits + transfers_in - transfers_out = end, for every
    row (month x department). One row per violation. -#}
{% test workforce_headcount_reconciles(model, start_column='start_headcount', end_column='end_headcount') %}
    select *
    from {{ model }}
    where {{ start_column }} + hires - exits + transfers_in - transfers_out <> {{ end_column }}
{% endtest %}


{#- The headcount of `model` (a daily headcount fact) on the as-of date equals the people dim_person counts as
    employees (lifecycle_stage employee or rehired) on that date. One row when they differ. -#}
{% test workforce_headcount_matches_dim_person(model, date_column='date_day', headcount_column='headcount') %}
    with fact as (
        select coalesce(sum({{ headcount_column }}), 0) as fact_headcount
        from {{ model }}
        where {{ date_column }} = {{ as_of_date() }}
    ),

    people as (
        select count(*) as person_headcount
        from {{ ref('dim_person') }}
        where lifecycle_stage in ('employee', 'rehired')
    )

    select fact.fact_headcount, people.person_headcount
    from fact
    cross join people
    where fact.fact_headcount <> people.person_headcount
{% endtest %}
