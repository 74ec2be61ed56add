"""A write killed at any moment leaves the workbook with all old or all new values."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest
import xlsxwriter

from sheets_sync.backends.xlsx import XlsxBackend, read_xlsx
from sheets_sync.core.cells import CellWrite

ROWS = 1500
KILLS = 60
STATUS_COL = 11


def writes_for(tag: str) -> list[CellWrite]:
    return [CellWrite("Roadmap", r, STATUS_COL, f"{tag}-{r}") for r in range(2, ROWS + 1, 7)]


def state_of(path: Path) -> str:
    """ "old" or "new" when every written cell agrees; fails on a mix."""
    grid = read_xlsx(path).sheet("Roadmap")
    assert grid is not None
    tags = {str(grid.cell(w.row, w.col)).split("-")[0] for w in writes_for("x")}
    assert len(tags) == 1, f"a mix of old and new values: {tags}"
    return tags.pop()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to kill a writer cheaply")
def test_killed_writes_leave_old_or_new(tmp_path: Path) -> None:
    path = tmp_path / "roadmap.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Roadmap")
    for r in range(ROWS):
        ws.write_row(r, 0, [f"Initiative {r}", r * 10.5, r % 7, "owner", "=B1*2"])
    wb.close()
    backend = XlsxBackend(path, backups=2)
    backend.write(backend.read(), writes_for("old"))
    started = time.perf_counter()
    backend.write(backend.read(), writes_for("new"))
    duration = time.perf_counter() - started
    print(f"one write takes {duration * 1000:.0f} ms")

    rng = random.Random(20240601)
    outcomes = {"kept": 0, "replaced": 0}
    before = state_of(path)
    for _ in range(KILLS):
        target = "old" if before == "new" else "new"
        snapshot = backend.read()
        pid = os.fork()
        if pid == 0:  # the writer
            try:
                backend.write(snapshot, writes_for(target))
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0, duration * 1.2))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)

        after = state_of(path)  # opens, and holds one consistent set
        outcomes["replaced" if after == target else "kept"] += 1
        visible = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
        assert set(visible) <= {"roadmap.xlsx", "roadmap.xlsx.bak1", "roadmap.xlsx.bak2"}
        state_of(tmp_path / "roadmap.xlsx.bak1")
        before = after
    assert outcomes["kept"] and outcomes["replaced"], outcomes
    state_of(tmp_path / "roadmap.xlsx.bak2")

    # A later write clears what killed writers left behind.
    backend.write(backend.read(), writes_for("final"))
    assert state_of(path) == "final"
    assert not list(tmp_path.glob(".*"))


# --- killed at an I/O step chosen at random, the workbook behind a symbolic link -------

IO_STEPS = frozenset({"write", "fsync", "replace", "link", "unlink", "open", "close", "flush"})


class _Steps:
    """Counts the I/O calls a write makes (``sys.setprofile``); kills the process at one."""

    def __init__(self, kill_at: int | None = None) -> None:
        self.count = 0
        self.kill_at = kill_at

    def __call__(self, frame: object, event: str, arg: object) -> None:
        if event == "c_call" and getattr(arg, "__name__", "") in IO_STEPS:
            self.count += 1
            if self.count == self.kill_at:
                os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to kill a writer cheaply")
def test_killed_at_any_io_step_behind_a_symlink_leaves_old_or_new(tmp_path: Path) -> None:
    import sys

    real = tmp_path / "shared" / "roadmap.xlsx"
    real.parent.mkdir()
    wb = xlsxwriter.Workbook(str(real))
    ws = wb.add_worksheet("Roadmap")
    for r in range(300):
        ws.write_row(r, 0, [f"Initiative {r}", r * 10.5, r % 7, "owner", "=B1*2"])
    wb.close()
    link = tmp_path / "mine" / "roadmap.xlsx"
    link.parent.mkdir()
    link.symlink_to(real)
    backend = XlsxBackend(link, backups=1)
    backend.write(backend.read(), writes_for("old"))
    steps = _Steps()
    snapshot = backend.read()
    sys.setprofile(steps)
    try:
        backend.write(snapshot, writes_for("new"))
    finally:
        sys.setprofile(None)
    assert steps.count > 20  # enough points to kill at

    rng = random.Random(13)
    before = "new"
    outcomes = {"kept": 0, "replaced": 0}
    for _ in range(100):
        target = "old" if before == "new" else "new"
        snapshot = backend.read()
        pid = os.fork()
        if pid == 0:  # the writer, killed at one of its I/O steps
            try:
                sys.setprofile(_Steps(kill_at=rng.randint(1, steps.count)))
                backend.write(snapshot, writes_for(target))
            finally:
                os._exit(0)
        rng.randint(1, steps.count)  # the parent's generator keeps step with the child's
        os.waitpid(pid, 0)

        assert link.is_symlink() and os.readlink(link) == str(real)
        after = state_of(link)  # opens, and holds one consistent set
        outcomes["replaced" if after == target else "kept"] += 1
        assert sorted(p.name for p in link.parent.iterdir()) == ["roadmap.xlsx"]
        visible = {p.name for p in real.parent.iterdir() if not p.name.startswith(".")}
        assert visible <= {"roadmap.xlsx", "roadmap.xlsx.bak1"}
        before = after
    assert outcomes["kept"] and outcomes["replaced"], outcomes

    backend.write(backend.read(), writes_for("final"))  # clears what the killed left
    assert state_of(link) == "final"
    assert not list(real.parent.glob(".*"))
