"""Cyclic garbage collection paused while big acyclic structures are built."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; restored after, even on error.

    Reading and syncing a big sheet creates millions of objects and almost no
    reference cycles; the collector would walk the growing grids and rows again and
    again, a large share of a big read's time. Reference counting still frees
    everything as usual; the rare cycles wait for the next collection after the
    block.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
