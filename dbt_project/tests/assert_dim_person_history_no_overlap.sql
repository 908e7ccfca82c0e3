-- SCD2 validity ranges of one person never overlap: a row starting inside another row's range is an error.
select a.person_key, a.valid_from
from {{ ref('dim_person_history') }} a
join {{ ref('dim_person_history') }} b
  on a.person_key = b.person_key
 and a.valid_from < b.valid_from
 and b.valid_from < coalesce(a.valid_to, cast('9999-12-31' as date))
