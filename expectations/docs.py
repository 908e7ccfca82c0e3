"""Data Docs: GX's own validation pages plus our self-contained index of every suite and check.

GX 1.24 renders Data Docs from an ephemeral context given a filesystem site, but its pages load Bootstrap,
jQuery, bootstrap-table, Vega and Font Awesome from CDNs, and its index page is drawn by that JavaScript:
offline it is blank. So GX's pages are written under ``gx/`` with every internet script, stylesheet and
image removed (their content is server-rendered HTML and reads fine with a small inline stylesheet, and opening
a report makes no third-party requests), and ``index.html`` is our own page with no external references: it also
shows our custom checks, skipped suites and masked sample rows, which GX knows nothing about.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

from expectations.results import SuiteResult

_EXTERNAL = [
    re.compile(r"<script[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>", re.I),
    re.compile(r"<link[^>]*\bhref=[\"']https?://[^>]*>", re.I),
    re.compile(r"<img[^>]*\bsrc=[\"']https?://[^>]*>", re.I),
]
_EXTERNAL_CSS_URL = re.compile(r"url\(\s*[\"']?https?://[^)]*\)", re.I)
_OFFLINE_CSS = ("<style>body{font-family:system-ui,sans-serif;margin:1rem 2rem;color:#222}"
                "table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:3px 6px;"
                "vertical-align:top}.cooltip .top,.hide{display:none}</style>")
_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:1.5rem 2rem;color:#1f2328;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}
.pass{color:#1a7f37}.warn{color:#9a6700}.fail{color:#cf222e;font-weight:600}.skip{color:#656d76}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:.8rem;border:1px solid currentColor}
.samples td,.samples th{font-size:.8rem;padding:2px 6px}.muted{color:#656d76;font-size:.85rem}
code{background:#f6f8fa;padding:0 3px}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _strip_external(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for pattern in _EXTERNAL:
        text = pattern.sub("", text)
    text = _EXTERNAL_CSS_URL.sub("none", text)
    if _OFFLINE_CSS not in text:
        text = text.replace("</head>", _OFFLINE_CSS + "</head>", 1)
    path.write_text(text, encoding="utf-8")


def _gx_site(results: list[SuiteResult], site_dir: Path) -> dict[tuple[str, str], str]:
    """Render GX's validation pages; returns (suite, run_id) -> page path relative to the site's parent."""
    import great_expectations as gx
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    from expectations.gx_runner import context_config
    from expectations.gx_setup import quiet_gx

    quiet_gx()
    context = gx.get_context(project_config=context_config(str(site_dir)), mode="ephemeral")
    keys: dict[tuple[str, str], Any] = {}
    for result in results:
        if not result.gx_result:
            continue
        validation = ExpectationSuiteValidationResultSchema().load(json.loads(json.dumps(result.gx_result)))
        run_time = dt.datetime.fromisoformat(result.validated_at) if result.validated_at else None
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=result.suite),
            run_id=RunIdentifier(run_name=result.run_id or "run", run_time=run_time),
            batch_identifier=result.table)
        context.validation_results_store.set(key, validation)
        if result.suite not in {s.name for s in context.suites.all()}:
            configs = [r["expectation_config"] for r in result.gx_result.get("results", [])]
            expectations = [ExpectationConfiguration(type=c["type"], kwargs=c["kwargs"], meta=c.get("meta"),
                                                     notes=c.get("notes")).to_domain_obj() for c in configs]
            context.suites.add(gx.ExpectationSuite(name=result.suite, expectations=expectations))
        keys[(result.suite, result.run_id)] = key
    if not keys:
        return {}
    context.build_data_docs()
    for page in site_dir.rglob("*.html"):
        _strip_external(page)
    links = {}
    for ident, key in keys.items():
        url = context.get_docs_sites_urls(resource_identifier=key)[0]["site_url"] or ""
        page = Path(url.removeprefix("file://"))
        if page.exists():
            links[ident] = page.relative_to(site_dir.parent).as_posix()
    return links


def _status(result: SuiteResult) -> tuple[str, str]:
    if result.skipped:
        return "skip", "skipped"
    if result.blocking_failures:
        return "fail", "blocking failure"
    if result.warnings:
        return "warn", "warning"
    return "pass", "passed"


def _outcome_rows(result: SuiteResult) -> str:
    rows = []
    for o in result.outcomes:
        cls, text = (("skip", "skipped") if o.skipped else ("pass", "passed") if o.success
                     else ("fail", "failed") if o.severity == "blocking" else ("warn", "warning"))
        samples = ""
        if o.sample_rows:
            cols = list(dict.fromkeys(k for r in o.sample_rows for k in r))
            head = "".join(f"<th>{_e(c)}</th>" for c in cols)
            body = "".join("<tr>" + "".join(f"<td>{_e(r.get(c))}</td>" for c in cols) + "</tr>" for r in o.sample_rows)
            samples = f'<table class="samples"><tr>{head}</tr>{body}</table>'
        pct = "" if o.unexpected_percent is None else f"{o.unexpected_percent:.2f}%"
        rows.append(f'<tr><td class="{cls}">{text}</td><td>{_e(o.severity)}</td><td><code>{_e(o.name or o.expectation)}'
                    f"</code></td><td>{_e(o.column)}</td><td>{_e(o.unexpected_count)}</td><td>{pct}</td>"
                    f"<td>{_e(o.message)}{samples}</td></tr>")
    return "".join(rows)


def _index(results: list[SuiteResult], links: dict[tuple[str, str], str], gx_note: str) -> str:
    blocking = sum(len(r.blocking_failures) for r in results)
    warnings = sum(len(r.warnings) for r in results)
    skipped = sum(r.skipped for r in results)
    runs = ", ".join(sorted({r.run_id for r in results if r.run_id})) or "-"
    summary_rows, sections = [], []
    for r in results:
        cls, text = _status(r)
        anchor = re.sub(r"[^A-Za-z0-9_-]", "-", r.suite)
        link = links.get((r.suite, r.run_id))
        gx_link = f' · <a href="{_e(link)}">GX validation page</a>' if link else ""
        passed = sum(o.success and not o.skipped for o in r.outcomes)
        summary_rows.append(
            f'<tr><td><a href="#{anchor}">{_e(r.suite)}</a></td><td>{_e(r.table)}</td>'
            f'<td class="{cls}">{text}</td><td>{passed}/{len(r.outcomes)}</td><td>{len(r.blocking_failures)}</td>'
            f"<td>{len(r.warnings)}</td><td>{_e(r.rows_validated)}</td><td>{r.duration_seconds:.2f}s</td></tr>")
        detail = f"<p class='muted'>{_e(r.skipped_reason)}</p>" if r.skipped else ""
        sections.append(
            f'<h2 id="{anchor}">{_e(r.suite)} <span class="badge {cls}">{text}</span></h2>'
            f'<p class="muted">table <code>{_e(r.table)}</code> · run {_e(r.run_id)} · {_e(r.validated_at)}{gx_link}</p>'
            f"{detail}<table><tr><th>status</th><th>severity</th><th>check</th><th>column</th><th>unexpected</th>"
            f"<th>%</th><th>details</th></tr>{_outcome_rows(r)}</table>")
    overall = "fail" if blocking else "warn" if warnings else "pass"
    verdict = ("blocking failures: do not publish" if blocking else
               "passed with warnings" if warnings else "all checks passed")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>TRM data quality</title><style>{_CSS}</style></head><body>
<h1>TRM data quality <span class="badge {overall}">{verdict}</span></h1>
<p class="muted">run(s) {_e(runs)} · {len(results)} suites · {blocking} blocking failure(s) · {warnings} warning(s) ·
{skipped} skipped · generated {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}.
Values of identifier columns are shown as ***. {_e(gx_note)}</p>
<table><tr><th>suite</th><th>table</th><th>status</th><th>passed</th><th>blocking</th><th>warnings</th>
<th>rows</th><th>time</th></tr>{''.join(summary_rows)}</table>
{''.join(sections)}
</body></html>
"""


def render(results: list[SuiteResult], out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        links = _gx_site(results, out_dir / "gx")
        note = "GX's own validation pages are linked per suite (under gx/)." if links else ""
    except Exception as exc:  # the index must still be written: it is the report people open
        links, note = {}, f"GX's pages could not be rendered: {exc}"
    index = out_dir / "index.html"
    index.write_text(_index(results, links, note), encoding="utf-8")
    return index


def render_incremental(result: SuiteResult, results: list[SuiteResult], out_dir: Path) -> Path:
    """Add one suite's GX page and rewrite the index over ``results`` (which include it).

    The nightly run validates suites in separate steps; rendering GX's site for every suite after each step would
    grow quadratically, so each step renders only its own page and the index links the pages kept in links.json.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    links_file = out_dir / "links.json"
    stored = json.loads(links_file.read_text()) if links_file.exists() else {}
    note = "GX's own validation pages are linked per suite (under gx/)."
    try:
        for (suite, run_id), path in _gx_site([result], out_dir / "gx").items():
            stored[f"{run_id}/{suite}"] = path
        links_file.write_text(json.dumps(stored))
    except Exception as exc:  # the index must still be written: it is the report people open
        note = f"GX's page for {result.suite} could not be rendered: {exc}"
    links = {(r.suite, r.run_id): stored[f"{r.run_id}/{r.suite}"] for r in results
             if f"{r.run_id}/{r.suite}" in stored}
    _prune(out_dir, set(links.values()), links_file)
    index = out_dir / "index.html"
    index.write_text(_index(results, links, note), encoding="utf-8")
    return index


def _prune(out_dir: Path, linked: set[str], links_file: Path) -> None:
    """Keep only the GX validation pages the index links (each suite's latest): one page per suite and night
    would otherwise pile up forever."""
    pages = out_dir / "gx" / "validations"
    if not pages.exists():
        return
    for page in pages.rglob("*.html"):
        if page.relative_to(out_dir).as_posix() not in linked:
            page.unlink()
    for folder in sorted((p for p in pages.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    links_file.write_text(json.dumps({k: v for k, v in json.loads(links_file.read_text()).items()
                                      if v in linked} if links_file.exists() else {}))
