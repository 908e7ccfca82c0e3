"""The nightly people health report: one self-contained HTML page (inline CSS and SVG, no scripts, no external
assets) built from the published marts.

Every section reads only aggregate marts, or person-level marts aggregated here to department counts; no
person_key is ever written. A missing or empty mart turns its part of the page into "not available: <mart>
missing" instead of failing the run, and a group smaller than min_group_size people is shown as "suppressed".
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape

from reports.context import SUPPRESSED, ReportContext, Section
from reports.sections_compliance import compliance_section
from reports.sections_people import engagement_section, headcount_section, recruiting_section
from reports.sections_teams import teams_section

log = logging.getLogger(__name__)

SECTIONS: list[tuple[str, str, Callable[[ReportContext], Section]]] = [
    ("headcount", "Headcount and attrition", headcount_section),
    ("recruiting", "Recruiting funnel", recruiting_section),
    ("engagement", "Engagement", engagement_section),
    ("teams", "Top risk teams", teams_section),
    ("compliance", "Compliance items", compliance_section),
]


@dataclass
class ReportResult:
    html_path: Path
    latest_path: Path
    as_of: date
    headline: dict[str, float | int | str]
    # Parts not rendered, as "<section> / <part>: not available: <mart> missing".
    skipped: list[str] = field(default_factory=list)


def build_people_health_report(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    *,
    as_of: date | None = None,
    run_id: str | None = None,
    min_group_size: int,
) -> ReportResult:
    """Write out_dir/people_health_<as-of>.html and a copy people_health_latest.html.

    con: a (read-only) connection to the published database; marts are read from schema main.
    as_of: the date reported on; default the date the marts were evaluated on (end of the trailing attrition
    window, else of the last headcount month), else today.
    """
    ctx = ReportContext(con, as_of, min_group_size)
    sections = [_build(ctx, key, title, builder) for key, title, builder in SECTIONS]
    skipped = [f"{s.title} / {b.title}: {b.text}" for s in sections for b in s.blocks if b.kind == "unavailable"]
    generated = datetime.now(UTC).replace(microsecond=0)
    html = _environment().get_template("people_health.html.j2").render(
        sections=sections,
        as_of=ctx.as_of,
        run_id=run_id or "(not run by Dagster)",
        generated=generated.isoformat().replace("+00:00", " UTC"),
        min_group_size=min_group_size,
        suppressed=SUPPRESSED,
        sources=[(s.title, [(m, ctx.status(m)) for m in s.marts]) for s in sections],
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / f"people_health_{ctx.as_of.isoformat()}.html"
    html_path.write_text(html, encoding="utf-8")
    latest_path = out_dir / "people_health_latest.html"
    shutil.copyfile(html_path, latest_path)
    ctx.headline.update(as_of=ctx.as_of.isoformat(), sections_unavailable=sum(s.is_unavailable for s in sections))
    return ReportResult(html_path, latest_path, ctx.as_of, dict(ctx.headline), skipped)


def _build(ctx: ReportContext, key: str, title: str, builder: Callable[[ReportContext], Section]) -> Section:
    """One section; a query error (a mart of another shape) marks it not available instead of failing."""
    try:
        return builder(ctx)
    except duckdb.Error as exc:
        log.warning("people health report: section %s failed: %s", key, exc)
        section = Section(key, title, "", [])
        section.unavailable(title, f"query failed ({type(exc).__name__}: {str(exc).splitlines()[0][:160]})")
        return section


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def write_report_from_publication(published: Path, out_dir: Path, run_id: str | None,
                                  min_group_size: int) -> ReportResult:
    """The report of the publication at ``published`` (opened read-only), written to ``out_dir``."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        return build_people_health_report(con, out_dir, run_id=run_id, min_group_size=min_group_size)
    finally:
        con.close()
