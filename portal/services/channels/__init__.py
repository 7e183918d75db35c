"""Every way a report arrives besides the reporter's own web form (004 C20, L17: each township
and the four county bureaus publish a mailbox, an email address and a phone; C9, C11, C14, L8:
clues handed down by higher levels and transferred by other departments).

- ``registration``: an officer of the receiving unit registers a report taken by phone, letter,
  email or in person, or handed over (上级交办 with its reference, 相关部门移交): the web filing's
  validation and routing, clocks from the day received, the slip with the receipt (or the
  receipt by SMS once the phone is verified by the code read back).
- ``contacts``: the reporter's contact (a phone, a postal address, an email address, or none),
  encrypted exactly as a web reporter's phone.
- ``notices``: the receiving unit's desk: its registrations, the written notice (书面告知) to a
  postal address and its posting, which meets the 7-working-day clock (004 C20); the feedback
  to the higher level or the department that handed a report over.
- ``inbox`` (with ``mail_parse`` and ``imap_poll``): mail sent to a unit's published address,
  read from its mailbox over IMAP by the sweeper, written to S3 by SES receiving, or imported
  with ``portal mail import``; turned into a registration or dismissed by an officer.
- ``mail``: replies to email reports (the receipt, the notices) through the mail port.

The channel and source model itself is ``portal.domain.channels``.
"""
