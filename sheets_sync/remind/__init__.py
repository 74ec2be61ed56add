"""Reminders: each owner hears by email, once a day, what is due in their workbook.

:mod:`sheets_sync.sync.digest` decides who hears what (pure); here :mod:`.config`
is the ``[reminders]`` table, :mod:`.timing` says whether now is a time to send,
:mod:`.message` writes a digest as an email in the workbook's language,
:mod:`.smtp` sends it, and :mod:`.service` runs it all once, keeping each notice
in the history's ledger so none is sent twice.
"""
