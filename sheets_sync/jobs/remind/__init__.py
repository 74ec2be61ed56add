"""Reminders: each owner hears once a day, by email or chat, what is due in their workbook.

:mod:`sheets_sync.sync.digest` decides who hears what (pure); here :mod:`.config`
is the ``[reminders]`` table, :mod:`.timing` says whether now is a time to send,
:mod:`.message` writes a digest in the workbook's language, :mod:`.smtp` mails
it, :mod:`.chat` posts it to Slack, Teams or Google Chat, and :mod:`.service`
runs it all once (for ``remind`` and for ``watch``), keeping each notice in the
history's ledger so none is sent twice.
"""
