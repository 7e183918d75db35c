"""Special campaigns (专项行动, issue 17; 000, 001, 002, 003), one module per job:

- ``records``: creating a campaign (the office) and reading it back for a staff member;
- ``items``: the problem list: existing tickets and suggested new reports (one action), the
  units' progress, the acceptance check and the write-off through the campaign;
- ``survey``: a problem found in the survey phase (排查摸底), entered by a responsible unit;
- ``figures``: the figures per township and unit, the pages, the oversight page's summaries;
- ``chart``: the progress against the phase dates, as an SVG chart drawn on the server;
- ``notice``: the fortnightly progress notice (prepared by the sweeper, issued by the office)
  as a Word document (``portal.documents.notice_docx``);
- ``ledger``: the campaign's ledger in 003's annex forms or a plain one (``portal.documents.annex_xlsx``);
- ``sweep``: the sweeper's handler (reporting days, the end of the handling phase).

The rules are in ``portal.domain.campaigns``; the records in ``portal.store.repositories.campaigns``.
"""
