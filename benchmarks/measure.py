"""What both benchmarks measure with: a fresh child process, its time and peak RSS."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def peak_rss_mb() -> float:
    """This process's own peak resident set size in MiB.

    ``VmHWM`` from /proc: on Linux ``ru_maxrss`` of a child carries the parent's
    high-water mark across fork and exec, so it would report the benchmark itself.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def run_child(script: str, *args: str) -> dict[str, Any]:
    """Run ``script --child ARGS`` in a fresh interpreter; its one line of JSON."""
    done = subprocess.run(
        [sys.executable, script, "--child", *args],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{Path(script).name} --child {' '.join(args)} failed")
    return dict(json.loads(done.stdout))
