"""gspread's HTTP seam with retries of our own, and Google errors turned into ours.

gspread's ``BackOffHTTPClient`` retries forever, without jitter and without a
timeout. Here every request has a timeout, retries use exponential backoff with
full jitter, and both the number of tries and the total time are capped. Sleep,
clock and randomness are injected so tests never wait. When a quota is bound,
every attempt (a retry too) first takes a token from it
(:mod:`sheets_sync.backends.google.quota`).
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, ClassVar

import google.auth.exceptions
import gspread
import requests
from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession, Request
from gspread.exceptions import APIError
from gspread.http_client import FileType, ParamsType
from requests.adapters import BaseAdapter

from sheets_sync.backends.google.quota import Quota, service_of
from sheets_sync.errors import (
    AccessDenied,
    CredentialsError,
    GoogleRequestRejected,
    GoogleUnavailable,
    QuotaExceeded,
    SheetsSyncError,
    WorkbookNotFound,
)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Defaults fit the Sheets quota of 60 requests a minute."""

    max_tries: int = 6
    base_delay: float = 1.0
    max_delay: float = 32.0
    max_elapsed: float = 120.0
    # (connect, read) seconds. Never None: a hung socket must not hang the sync.
    timeout: tuple[float, float] = (10.0, 60.0)

    def delay(self, attempt: int, rand: Callable[[], float]) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
        cap = min(self.max_delay, self.base_delay * float(2**attempt))
        return rand() * cap


@dataclass(frozen=True)
class Hooks:
    """What tests replace: the passing of time and the dice."""

    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rand: Callable[[], float] = random.random


class RetryingHTTPClient(gspread.HTTPClient):
    """A gspread HTTPClient that retries with jitter and raises our errors.

    Build it through :func:`make_client`, which binds policy, hooks and the account
    name into a subclass, because gspread instantiates the class itself.
    """

    policy: ClassVar[RetryPolicy] = RetryPolicy()
    hooks: ClassVar[Hooks] = Hooks()
    account: ClassVar[str] = "this account"
    quota: ClassVar[Quota | None] = None

    def __init__(self, auth: Credentials, session: requests.Session | None = None) -> None:
        super().__init__(auth, session)
        self.auth = auth
        self.timeout = self.policy.timeout

    def set_timeout(self, timeout: float | tuple[float, float] | None) -> None:
        """Like gspread's, except that ``None`` restores our default, not "forever"."""
        self.timeout = self.policy.timeout if timeout is None else timeout

    def request(
        self,
        method: str,
        endpoint: str,
        params: ParamsType | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: FileType = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        start = self.hooks.clock()
        # Creating a file is the one call that is not safe to repeat once sent.
        idempotent = not _is_create(method, endpoint)
        service = service_of(method, endpoint)
        send: dict[str, Any] = {"method": method, "url": endpoint, "json": json}
        send |= {"params": params, "data": data, "files": files, "headers": headers}
        attempt = 0
        while True:
            if self.quota is not None and service is not None:
                self.quota.take(service)
            response, failure = self._send(send, idempotent)
            if response is not None:
                if response.ok:
                    return response
                if response.status_code not in RETRY_STATUSES:
                    raise map_api_error(APIError(response), endpoint, self.account)
                failure = f"HTTP {response.status_code}"
            delay = self.policy.delay(attempt, self.hooks.rand)
            attempt += 1
            elapsed = self.hooks.clock() - start
            if attempt >= self.policy.max_tries or elapsed + delay > self.policy.max_elapsed:
                raise _exhausted(response, failure, attempt, elapsed)
            self.hooks.sleep(delay)

    def _send(self, send: dict[str, Any], idempotent: bool) -> tuple[requests.Response | None, str]:
        """One try: Google's answer, or none and why. A failure that must not be
        retried (rejected credentials, a create that may have landed) is raised."""
        try:
            return self.session.request(**send, timeout=self.timeout), ""
        except google.auth.exceptions.RefreshError as exc:
            raise _credentials_error(self.account, exc) from None
        except google.auth.exceptions.TransportError as exc:
            return None, f"could not reach Google's token endpoint ({type(exc).__name__})"
        except requests.ConnectionError as exc:
            if not idempotent and not isinstance(exc, requests.exceptions.ConnectTimeout):
                raise GoogleUnavailable(
                    f"The connection dropped while creating a file ({type(exc).__name__}).",
                    "Check Drive for a new spreadsheet before running generate again.",
                ) from None
            return None, f"connection failed ({type(exc).__name__})"
        except requests.Timeout as exc:
            if not idempotent:
                raise GoogleUnavailable(
                    "Google did not answer in time while creating a file.",
                    "Check Drive for a new spreadsheet before running generate again.",
                ) from None
            return None, f"timed out ({type(exc).__name__})"


def make_client(
    credentials: Credentials,
    *,
    account: str,
    policy: RetryPolicy | None = None,
    hooks: Hooks | None = None,
    adapter: BaseAdapter | None = None,
    quota: Quota | None = None,
) -> gspread.Client:
    """A gspread client whose every request, token refreshes included, is ours.

    ``adapter`` is mounted for https on both the API session and the separate
    session google-auth uses for token refreshes and its own background lookups:
    tests pass one that sends everything to a local server. ``quota``, when given,
    is drawn from before every Sheets and Drive request.
    """
    token_session = requests.Session()
    authed = AuthorizedSession(  # type: ignore[no-untyped-call]
        credentials, auth_request=Request(token_session)
    )
    if adapter is not None:
        token_session.mount("https://", adapter)
        authed.mount("https://", adapter)

    bound_policy = policy or RetryPolicy()
    bound_hooks = hooks or Hooks()

    class BoundHTTPClient(RetryingHTTPClient):
        policy = bound_policy
        hooks = bound_hooks

    BoundHTTPClient.account = account
    BoundHTTPClient.quota = quota
    return gspread.Client(auth=credentials, session=authed, http_client=BoundHTTPClient)


_SPREADSHEET_IN_URL = re.compile(r"/(?:spreadsheets|files)/([A-Za-z0-9_-]+)")


def _is_create(method: str, endpoint: str) -> bool:
    path = endpoint.split("?", 1)[0].rstrip("/")
    return method.lower() == "post" and path.endswith(("/v4/spreadsheets", "/drive/v3/files"))


def _credentials_error(account: str, exc: Exception) -> CredentialsError:
    # RefreshError carries Google's error code (e.g. invalid_grant), never the key.
    reason = str(exc.args[0]) if exc.args else type(exc).__name__
    return CredentialsError(
        f"Google refused the credentials of {account}: {reason.splitlines()[0][:200]}",
        "Check that the key is current (not deleted or rotated) and the clock is right.",
    )


def _error_message(err: APIError) -> str:
    message = err.error.get("message") if isinstance(err.error, dict) else None
    return str(message or "").splitlines()[0][:300] if message else f"HTTP {err.code}"


def map_api_error(err: APIError, endpoint: str, account: str) -> SheetsSyncError:
    """One of our errors for a non-retryable Google error."""
    match = _SPREADSHEET_IN_URL.search(endpoint)
    target = f"spreadsheet {match.group(1)}" if match else "the Google API"
    message = _error_message(err)
    status = str(err.error.get("status", "")) if isinstance(err.error, dict) else ""
    if err.code == 403:
        if "SERVICE_DISABLED" in str(err.error) or "has not been used" in message:
            return AccessDenied(
                f"The Google API is not enabled for {account}'s project: {message}",
                "Enable the Google Sheets API and the Google Drive API in that project.",
            )
        return AccessDenied(
            f"{account} has no access to {target}.",
            f"Share the spreadsheet with {account} as editor.",
        )
    if err.code == 404:
        return WorkbookNotFound(
            f"{target[:1].upper()}{target[1:]} was not found.",
            f"Check the ID or URL, and that it is shared with {account}.",
        )
    if err.code == 401:
        return CredentialsError(
            f"Google did not accept the credentials of {account}: {message}",
            "Check the key file or run 'gcloud auth application-default login' again.",
        )
    return GoogleRequestRejected(f"Google rejected a request to {target}: {status} {message}")


def _exhausted(
    response: requests.Response | None, failure: str, tries: int, elapsed: float
) -> SheetsSyncError:
    if response is not None and response.status_code == 429:
        return QuotaExceeded(
            f"Google Sheets quota exceeded; gave up after {tries} tries in {elapsed:.0f}s.",
            "The quota is 60 requests a minute per user: run the sync less often, or "
            "let the next scheduled run retry.",
        )
    return GoogleUnavailable(
        f"Google Sheets is unavailable: {failure}; gave up after {tries} tries in {elapsed:.0f}s.",
        "Try again later.",
    )
