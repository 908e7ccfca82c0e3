"""Finding and PrivacyReport: the scan's result, as a dict and as a Markdown table (samples always masked)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    table: str
    column: str | None
    kind: str
    count: int  # offending rows (in the scanned sample for value findings on large tables)
    share: float | None  # of the column's non-null values / of the table's rows
    sample: tuple[str, ...]  # masked, never the identifier itself
    blocking: bool
    message: str  # what to fix
    distinct_values: int | None = None
    rows_scanned: int | None = None


@dataclass
class PrivacyReport:
    findings: list[Finding] = field(default_factory=list)
    tables_scanned: list[str] = field(default_factory=list)
    elapsed_seconds: float = 0.0

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocking]

    @property
    def passed(self) -> bool:
        return not self.blocking

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "blocking": len(self.blocking), "warnings": len(self.warnings),
                "tables_scanned": len(self.tables_scanned), "elapsed_seconds": round(self.elapsed_seconds, 3),
                "findings": [asdict(f) | {"sample": list(f.sample)} for f in self.findings]}

    def to_markdown(self) -> str:
        head = (f"**Privacy scan {'passed' if self.passed else 'FAILED'}**: {len(self.blocking)} blocking, "
                f"{len(self.warnings)} warnings, {len(self.tables_scanned)} tables, {self.elapsed_seconds:.1f} s")
        if not self.findings:
            return head
        lines = [head, "", "| | table | column | kind | rows | share | sample (masked) | what to fix |",
                 "|---|---|---|---|---|---|---|---|"]
        for f in sorted(self.findings, key=lambda f: (not f.blocking, f.table, f.column or "")):
            share = "" if f.share is None else f"{f.share:.2%}"
            rows = f"{f.count} of {f.rows_scanned}" if f.rows_scanned is not None else str(f.count)
            cells = ["BLOCK" if f.blocking else "warn", f.table, f.column or "", f.kind, rows, share,
                     ", ".join(f.sample), f.message]
            lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
        return "\n".join(lines)
