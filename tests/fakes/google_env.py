"""A service-account key, a fake Google on 127.0.0.1, and clients wired to it.

The clients are the real ones: google-auth signs a JWT with the test key and
exchanges it at the fake token endpoint, gspread sends every request through our
retrying HTTP client, and a transport adapter sends Google's hostnames to the
fake. Time is a fake clock: retries never really sleep.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import gspread
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sheets_sync.backends.google.auth import load_credentials
from sheets_sync.backends.google.http import Hooks, RetryPolicy, make_client
from sheets_sync.backends.google.spreadsheet import GoogleSheetsBackend
from sheets_sync.backends.protocol import WriteResult

from .google_api import FakeGoogle
from .sheets_model import Book, Sheet, user_entered

EMAIL = "roadmap-sync@marketing-ops.iam.gserviceaccount.com"
KEY_ID = "5f2a9c1e0b7d4e3f8a6b1c2d3e4f5a6b7c8d9e0f"
KEYS = [
    "initiatives.id",
    "initiatives.title",
    "initiatives.owner",
    "initiatives.budget",
    "initiatives.flag",
]
HEADERS = ["ID", "Initiative", "Owner", "Budget", "Flag (sheets-sync)"]
FLAG_COL = 5


@cache
def rsa_key(seed: int = 0) -> rsa.RSAPrivateKey:
    """A 2048-bit key made in the test (``seed`` only tells keys apart)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def key_info(key: rsa.RSAPrivateKey, email: str = EMAIL) -> dict[str, str]:
    """A key file as the Cloud console downloads it."""
    return {
        "type": "service_account",
        "project_id": "marketing-ops",
        "private_key_id": KEY_ID,
        "private_key": pem(key),
        "client_email": email,
        "client_id": "109876543210987654321",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "universe_domain": "googleapis.com",
    }


@dataclass
class FakeClock:
    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@dataclass
class GoogleEnv:
    fake: FakeGoogle
    key_file: Path
    clock: FakeClock
    rand: Callable[[], float] = lambda: 0.5

    def client(
        self, policy: RetryPolicy | None = None, key_file: Path | None = None
    ) -> gspread.Client:
        auth = load_credentials(key_file or self.key_file, env={})
        hooks = Hooks(sleep=self.clock.sleep, clock=self.clock.clock, rand=self.rand)
        return make_client(
            auth.credentials,
            account=auth.account,
            policy=policy,
            hooks=hooks,
            adapter=self.fake.adapter(),
        )

    def backend(
        self,
        book: Book | str,
        sheets: Sequence[str] | None = None,
        policy: RetryPolicy | None = None,
    ) -> GoogleSheetsBackend:
        book_id = book if isinstance(book, str) else book.spreadsheet_id
        return GoogleSheetsBackend(book_id, self.client(policy), sheet_titles=sheets)

    def roadmap(self, rows: int = 10, *, tagged: bool = True, extra_sheet: bool = True) -> Book:
        """An Initiatives sheet as generate makes it, plus a sheet of the user's."""
        sheet = Sheet(1, "Initiatives", row_count=rows + 100, column_count=8, frozen_rows=2)
        sheets = [sheet]
        if extra_sheet:
            sheets.append(Sheet(2, "My notes"))
        book = self.fake.add_book(EMAIL, "Q3 roadmap", sheets)
        for col, (key, header) in enumerate(zip(KEYS, HEADERS, strict=True)):
            sheet.row(0).set(col, {"stringValue": key})
            sheet.row(1).set(col, {"stringValue": header})
        for n in range(1, rows + 1):
            line = [f"IN-{n:03d}", f"Initiative {n}", "Ana" if n % 2 else "Li Wei", n * 1000]
            for col, value in enumerate(line):
                sheet.row(n + 1).set(col, user_entered(value))
        if extra_sheet:
            book.set_cell("My notes", 1, 1, "keep me")
        if tagged:
            for row in range(1, rows + 3):
                self.fake.tag_row(book, "Initiatives", row)
        return book


@contextmanager
def google_env(tmp_path: Path) -> Iterator[GoogleEnv]:
    key = rsa_key()
    fake = FakeGoogle()
    fake.add_account(EMAIL, KEY_ID, key.public_key())
    key_file = tmp_path / "service-account.json"
    key_file.write_text(json.dumps(key_info(key)), encoding="utf-8")
    saved = {name: os.environ.get(name) for name in ("NO_PROXY", "no_proxy")}
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    fake.start()
    try:
        yield GoogleEnv(fake, key_file, FakeClock())
        assert not fake.crashes, fake.crashes
    finally:
        fake.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def flags_by_id(book: Book) -> dict[Any, Any]:
    """ID -> flag cell, as the sheet now holds them."""
    sheet = book.sheet_by_title("Initiatives")
    out = {}
    for index in range(2, len(sheet.rows)):
        ident = book.value("Initiatives", index + 1, 1)
        if ident is not None:
            out[ident] = book.value("Initiatives", index + 1, FLAG_COL)
    return out


def flag_for(ident: Any, budget: Any) -> str:
    """The flag a row deserves: it names the row, so a misplaced flag shows."""
    over = isinstance(budget, int | float) and budget > 5000
    return f"{ident}: {'over budget' if over else 'ok'}"


def mini_sync(
    backend: GoogleSheetsBackend, between: Callable[[], None] | None = None
) -> WriteResult:
    """What the core's sync does, reduced: read, compute flags, write what changed.

    ``between`` runs after the read and before the write: people editing meanwhile.
    """
    from sheets_sync.core.cells import CellWrite

    snapshot = backend.read()
    grid = snapshot.sheet("Initiatives")
    assert grid is not None
    writes = []
    for row in range(3, len(grid.rows) + 1):
        ident = grid.cell(row, 1)
        if ident is None:
            continue
        wanted = flag_for(ident, grid.cell(row, 4))
        if grid.cell(row, FLAG_COL) != wanted:
            writes.append(CellWrite("Initiatives", row, FLAG_COL, wanted))
    if between is not None:
        between()
    return backend.write(snapshot, writes)
