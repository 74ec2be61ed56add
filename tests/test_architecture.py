"""The folders show the pipeline: each layer imports only from the layers before it.

core → sync → quarter → review → backends → sources → api → jobs → cli, with ``errors`` usable
everywhere. The two contracts of the edge — what a backend does
(``backends.protocol``) and where a workbook lives (``backends.target``) — are
plain data the sync may name too: it talks to a backend only through them. A
newcomer can then read the flow from the tree, and a change that makes the core
reach for a backend (or the sync for the watcher) fails here instead of growing a
cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "sheets_sync"
LAYERS = (
    "errors",
    "core",
    "sync",
    "quarter",
    "review",
    "backends",
    "sources",
    "api",
    "jobs",
    "cli",
)
CONTRACTS = ("sheets_sync.backends.protocol", "sheets_sync.backends.target")


def layer_of(module: str) -> int:
    """The layer of ``sheets_sync.<part>...`` (``__init__``/``__main__`` sit on top)."""
    part = module.split(".")[1] if "." in module else ""
    return LAYERS.index(part) if part in LAYERS else len(LAYERS)


def imports(path: Path) -> list[tuple[int, str]]:
    """Every ``sheets_sync`` module this file imports, with its line number."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [(node.lineno, name) for name in names if name.startswith("sheets_sync.")]
    return found


def module_name(path: Path) -> str:
    return ".".join(("sheets_sync", *path.relative_to(PACKAGE).with_suffix("").parts))


def test_each_layer_imports_only_from_layers_before_it() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = module_name(path)
        for line, target in imports(path):
            if layer_of(target) > layer_of(here) and target not in CONTRACTS:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {target}")
    assert wrong == []


def test_every_module_is_in_a_layer() -> None:
    stray = [
        module_name(path)
        for path in PACKAGE.rglob("*.py")
        if layer_of(module_name(path)) == len(LAYERS)
        and module_name(path) not in ("sheets_sync.__init__", "sheets_sync.__main__")
    ]
    assert stray == []


def test_contracts_import_only_the_core() -> None:
    for contract in CONTRACTS:
        path = PACKAGE.joinpath(*contract.split(".")[1:]).with_suffix(".py")
        runtime = [t for _, t in imports(path) if layer_of(t) > LAYERS.index("core")]
        assert set(runtime) <= {"sheets_sync.quarter.new_plan"}, (contract, runtime)


def test_the_check_sees_a_backward_import() -> None:
    assert layer_of("sheets_sync.jobs.watcher") > layer_of("sheets_sync.core.cells")
    assert layer_of("sheets_sync.sync.run") < layer_of("sheets_sync.backends.xlsx.reader")
