"""The core: plain data and pure rules, no I/O and no clock.

Cell values, the quarter calendar, the workbook layout (with its ``Lang`` and
``Business``), how people type values (parsing), the row models, the rules behind
every flag, the budget split, the rollup formulas, messages in the workbook's
language, the seasonal checklist, the live flag colours and how wide text shows in
a terminal. Everything after it (sync, quarter, backends,
jobs) speaks this vocabulary.
"""
