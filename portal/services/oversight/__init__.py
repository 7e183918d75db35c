"""Oversight by the county leading-group office (004 C21, L18: 月调度、季通报、半年排名、年度考核;
C35, L31), one module per job:

- ``statistics``: the period's figures per lead unit and township, the half-year ranking, the
  trend by month and the figures CSV;
- ``review``: the monthly review of townships that have not investigated within a month;
- ``charts``: the figures as server-rendered SVG charts (patterns and labels, readable in
  black and white), each with its table;
- ``ledger``: the ledger (台账) of tickets: the CSV for machines and the XLSX in the forms of
  003 Annex 2 and 3; the acceptance check and write-off (销号) are recorded through
  ``portal.services.workflow``;
- ``notice``: the quarterly notice (季通报) and the half-year ranking (半年排名) as Word documents.

The writers of the documents themselves (``portal.documents``) are shared with other capabilities.
"""

from portal.services.oversight.review import (
    ReviewOutcome, ensure_schedules, monthly_review, review_now, scheduled_review,
)
from portal.services.oversight.statistics import (
    OversightPage, OversightReport, export_csv, findings_seen, page, report,
)
from portal.services.oversight.notice import notice_docx

__all__ = ["report", "page", "export_csv", "notice_docx", "findings_seen", "monthly_review", "review_now",
           "ensure_schedules", "scheduled_review", "OversightReport", "OversightPage", "ReviewOutcome"]
