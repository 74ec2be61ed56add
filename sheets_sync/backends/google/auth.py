"""Google credentials: a service-account key file, or Application Default Credentials.

Only google-auth reads the key; this module never logs it, nor any token. Errors say
which file or account is at fault and what to do, in one line.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import google.auth
import google.auth.exceptions
from google.auth.credentials import Credentials
from google.oauth2 import service_account

from sheets_sync.errors import CredentialsError

SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    # drive.file: create spreadsheets, put them in a folder and share them, without
    # access to the rest of the user's Drive.
    "https://www.googleapis.com/auth/drive.file",
    # drive.metadata.readonly: the version of a spreadsheet shared with the account by
    # email, which drive.file does not see (it sees only files the app created).
    "https://www.googleapis.com/auth/drive.metadata.readonly",
)
ENV_VARS = ("SHEETS_SYNC_CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS")
ADC_ACCOUNT = "the account of your Application Default Credentials"


@dataclass(frozen=True)
class GoogleAuth:
    """Credentials plus the account they act as, for "share it with X" messages."""

    credentials: Credentials
    account: str


def load_credentials(
    key_file: str | os.PathLike[str] | None = None,
    *,
    env: dict[str, str] | None = None,
) -> GoogleAuth:
    """Credentials from ``key_file``, else from the env vars, else from ADC.

    ``env`` defaults to ``os.environ``; tests pass their own.
    """
    environ = os.environ if env is None else env
    if key_file is None:
        key_file = next((environ[name] for name in ENV_VARS if environ.get(name)), None)
    if key_file is not None:
        return _from_key_file(Path(key_file))
    return _from_adc()


def _from_key_file(path: Path) -> GoogleAuth:
    where = f"Google credentials file {str(path)!r}"
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CredentialsError(
            f"{where} does not exist.",
            "Set credentials_file in the config or SHEETS_SYNC_CREDENTIALS to a "
            "service-account key file.",
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CredentialsError(
            f"{where} is not a readable JSON key ({type(exc).__name__}).",
            "Download a new JSON key for the service account.",
        ) from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise CredentialsError(
            f"{where} is not a service-account key.",
            'Use a key whose "type" is "service_account", or unset it to use '
            "Application Default Credentials.",
        )
    try:
        creds = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=SCOPES
        )
    except (ValueError, KeyError, TypeError) as exc:
        # The message of these errors never contains the key itself, but keep only
        # the type anyway: a future library version might quote the field.
        raise CredentialsError(
            f"{where} is incomplete or its private key is invalid ({type(exc).__name__}).",
            "Download a new JSON key for the service account.",
        ) from None
    return GoogleAuth(creds, creds.service_account_email)


def _from_adc() -> GoogleAuth:
    try:
        creds, _project = google.auth.default(scopes=SCOPES)
    except google.auth.exceptions.DefaultCredentialsError:
        raise CredentialsError(
            "No Google credentials found.",
            "Pass a service-account key file (credentials_file in the config, or "
            "SHEETS_SYNC_CREDENTIALS), or run 'gcloud auth application-default login "
            "--scopes=" + ",".join(SCOPES) + "'.",
        ) from None
    account = getattr(creds, "service_account_email", None)
    if not isinstance(account, str) or not account or account == "default":
        account = ADC_ACCOUNT
    return GoogleAuth(creds, account)
