"""Write-audit-publish of the gated marts into the read-only file BI tools open (``published.duckdb``)."""
