"""Where a workbook lives: one small protocol (:mod:`.protocol`), a local .xlsx
(:mod:`.xlsx`) and a Google spreadsheet (:mod:`.google`).

The sync and the quarter lifecycle never know which one they talk to.
"""
