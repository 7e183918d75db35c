"""Writers of the documents officials sign and file, shared by every capability that issues
one: the spreadsheet in an annex form (``annex_xlsx``, openpyxl), the Word notice
(``notice_docx``, python-docx, imported only when a document is asked for) and the cell rule
every spreadsheet export follows (``cells``). They know nothing of tickets, stores or
requests: a service builds the content (a column spec and rows, a list of sections) and a
writer lays it out."""
