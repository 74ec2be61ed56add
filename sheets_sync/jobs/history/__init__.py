"""The run history: what each sync did, cell by cell, and which reminders went out.

One SQLite file in the state folder (:mod:`.store`), shared by the watcher, a
manual ``sync`` and ``remind``; :mod:`.record` turns a sync into a run record,
:mod:`.render` and :mod:`.commands` print it for ``sheets-sync history``, and
:mod:`.summary` is what ``status`` reads from it.
"""

from sheets_sync.jobs.history.store import (
    HISTORY_FILE,
    CellRecord,
    HistoryStore,
    RunRecord,
    history_path,
)

__all__ = ["HISTORY_FILE", "CellRecord", "HistoryStore", "RunRecord", "history_path"]
