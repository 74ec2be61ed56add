"""Review reports on the review days: the watcher writes each workbook's mid-quarter and
final review as a document, once, on the day of that review.

:mod:`.config` is the ``report`` setting (where the documents go, in which format,
at which address they are shared) and how a document is named; :mod:`.writer` is
the watcher's step after a workbook's run: is a review due today, was its report
written, write it, remember it in the status file.
"""
