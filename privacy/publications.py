"""Remove an erased person from the files BI and HR already read, without waiting for the next gated run.

``trm erase`` republishes by running the nightly job, but a blocking check can stop that run and leave the last
publication in place. So the erasure first purges the existing publications itself: the person's rows (any table
with a ``person_key``) are deleted from a copy of each DuckDB publication, the copy is compacted into a fresh file
(no deleted bytes in free blocks) and renamed over the original under the publisher's lock; every kept Parquet
folder has its files rewritten without them. Aggregates computed with the person stay until the next publication
(they describe groups of at least min_group_size people, not the person).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import duckdb

from ingestion.warehouse import compact_database, sql_literal
from privacy.erasure import tables_with


def purge_publication(published: Path, person_keys: list[str]) -> int:
    """Delete the rows of ``person_keys`` from a DuckDB publication, compacted and swapped atomically; rows
    removed (0 and the file untouched when it holds none)."""
    published = Path(published)
    if not published.exists():
        return 0
    working = published.with_name(f".{published.name}.erasure.tmp")
    with (published.parent / f".{published.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        shutil.copyfile(published, working)
        try:
            con = duckdb.connect(str(working))
            try:
                removed = 0
                con.execute("create temp table _erased as select unnest(?::varchar[]) as person_key", [person_keys])
                for schema, table in tables_with(con, ("main", "publication"), "person_key"):
                    removed += con.execute(f'delete from {schema}."{table}" where person_key in '
                                           "(select person_key from _erased)").fetchone()[0]
                con.execute("checkpoint")
            finally:
                con.close()
            if not removed:
                return 0
            compact_database(working)
            os.chmod(working, published.stat().st_mode & 0o777)
            os.replace(working, published)
        finally:
            working.unlink(missing_ok=True)
    return removed


def purge_parquet(parquet_root: Path, person_keys: list[str]) -> int:
    """Rewrite every kept Parquet file holding ``person_keys`` without their rows; rows removed."""
    if not Path(parquet_root).exists():
        return 0
    removed = 0
    con = duckdb.connect()
    try:
        for path in sorted(p for p in Path(parquet_root).glob("*/*.parquet") if not p.parent.name.startswith(".")):
            source = sql_literal(str(path))
            columns = {r[0] for r in con.execute(f"describe select * from read_parquet({source})").fetchall()}
            if "person_key" not in columns:
                continue
            found = con.execute(f"select count(*) from read_parquet({source}) where person_key in "
                                "(select unnest(?::varchar[]))", [person_keys]).fetchone()[0]
            if not found:
                continue
            fresh = path.with_name(f".{path.name}.erasure.tmp")
            con.execute(f"copy (select * from read_parquet({source}) where person_key is null or person_key not in "
                        f"(select unnest(?::varchar[]))) to {sql_literal(str(fresh))} (format parquet)", [person_keys])
            os.replace(fresh, path)  # a hard link shared with another folder is rewritten there in its turn
            removed += found
    finally:
        con.close()
    return removed
