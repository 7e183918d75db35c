"""The control chain's services (004 C1; chapter 3 of both rules): patrols, weekly reports,
the concealment check and their oversight figures. One module per use case:

- ``recording``: record a patrol (and its findings) from the phone page;
- ``findings``: a finding becomes a ticket (source ``patrol``);
- ``weekly``: file a village's or a township's weekly (zero) report; the week's status pages;
- ``violations``: new violations noted in their village's week; concealment flags raised;
- ``concealment``: the flagged village weeks as the office and townships see them; decisions;
- ``sweep``: the deadlines the sweeper judges (missing reports, the weekly professional patrol);
- ``figures``: the oversight figures per township (004 C21, L18);
- ``grid_table``: the published grid table (004 C17(1)).
"""
