"""The county's control chain below the complaint channel (004 C1: 村级巡查、乡镇人民政府处置、
主管部门执法、领导小组统筹; chapter 3 of both rules), pure Python, ``now`` passed in:

- ``grids``: the grid table (004 C17(1), C18(1)) and the grid of a point;
- ``weeks``: patrol weeks and the Thursday / Friday 16:00 deadlines with the holiday rule;
- ``records``: patrol records, weekly (zero) reports, missing reports;
- ``steps``: what a patrol finding does to the ticket it becomes (clocks, stopped on the spot);
- ``concealment``: the 004 C33 / L29 flag, the office's decision, the village head's ladder;
- ``scope``: who may record, see, file and decide;
- ``figures``: the oversight figures per township (004 C21, L18).

Imported module by module (``portal.domain.county`` imports ``grids``), so nothing here.
"""
