"""Special campaigns (专项行动: 000, 001, 002, 003), pure Python, ``now`` passed in:

- ``campaign``: the campaign the county office creates: its phases with their dates (003 §2(3):
  组织准备 → 排查摸底 → 查处整改 → 检查验收), its scope (categories, townships or the whole county,
  responsible units), its reporting days (003 §3(3): the 15th and 30th of each month; 002 §6(6):
  a monthly meeting), its ledger form (003 Annex 2/3, or a plain list), and its history;
- ``items``: the problem list (问题清单, 003 §2(3); 001 §1-2): each item links to a ticket and its
  case and follows it to the acceptance check and the write-off (建立台账、对账销号); its state,
  the figures per township and unit, and the progress over the phases;
- ``survey``: what a ticket entered in the survey phase (排查摸底) is: found by a responsible unit,
  with no reporter (mixed into ``portal.domain.complaint.Complaint``).

This package's ``__init__`` imports nothing, so ``portal.domain.complaint`` can import
``survey`` without a cycle.
"""
