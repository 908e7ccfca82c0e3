"""Reports built from the published marts (self-contained HTML, no external assets)."""

from reports.people_health import ReportResult, build_people_health_report

__all__ = ["ReportResult", "build_people_health_report"]
