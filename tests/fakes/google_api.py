"""A local server on 127.0.0.1 that answers as Google's OAuth, Sheets v4 and Drive v3 do.

Only what sheets-sync uses is implemented, but everything it receives is checked
against Google's discovery documents first (see :mod:`.discovery`), so a request
the real API would reject is rejected here too. The token endpoint verifies the
service account's RS256-signed JWT with the public key of the test's key.

Faults are queued with :meth:`FakeGoogle.fail`: an HTTP status (429 with Google's
RESOURCE_EXHAUSTED body, 500, 503...) or a dropped connection, before or after the
request is applied.
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from requests.adapters import HTTPAdapter

from . import charts, discovery
from .discovery import BadRequest
from .sheets_model import (
    Book,
    Cell,
    Metadata,
    Row,
    Sheet,
    a1,
    parse_range,
    raw,
    render,
    trim,
    user_entered,
)

TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
# Drive scopes that see every file the account can open, not only the app's own.
DRIVE_WIDE_SCOPES = (
    "drive",
    "drive.readonly",
    "drive.metadata",
    "drive.metadata.readonly",
)
HOSTS = {
    "sheets.googleapis.com": "sheets",
    "www.googleapis.com": "drive",
    "oauth2.googleapis.com": "oauth2",
    "iamcredentials.googleapis.com": "iam",
}


class LocalRedirect(HTTPAdapter):
    """A requests transport adapter sending Google's hosts to the local server.

    Anything else fails, so a test can never reach the internet. The port is in
    ``__attrs__`` because google-auth deep-copies its session for a background
    lookup, and requests' adapters copy only the attributes listed there.
    """

    __attrs__: ClassVar[list[str]] = [*HTTPAdapter.__attrs__, "port"]

    def __init__(self, port: int) -> None:
        self.port = port
        super().__init__()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        parts = urlsplit(request.url or "")
        if parts.hostname not in HOSTS:
            raise requests.ConnectionError(f"tests may not reach {parts.hostname}")
        request.headers["X-Original-Host"] = parts.hostname
        request.url = urlunsplit(("http", f"127.0.0.1:{self.port}", parts.path, parts.query, ""))
        kwargs["proxies"] = {}
        return super().send(request, **kwargs)


@dataclass
class Logged:
    host: str
    method: str
    name: str  # discovery method name, "token" or "allowedLocations"
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int = 0


@dataclass
class Fault:
    status: int = 0  # HTTP status to answer with, or 0 for a dropped connection
    after: bool = False  # drop after applying the request (the response is lost)
    only: str | None = None  # method name it applies to; None: the next API request


@dataclass
class FakeGoogle:
    """State plus HTTP front-end. Use :func:`start` and :meth:`stop`."""

    accounts: dict[str, tuple[str, rsa.RSAPublicKey]] = field(default_factory=dict)
    books: dict[str, Book] = field(default_factory=dict)
    tokens: dict[str, tuple[str, float]] = field(default_factory=dict)  # token -> (email, expiry)
    scopes: dict[str, set[str]] = field(default_factory=dict)  # email -> its last token's scopes
    # What a values:batchUpdateByDataFilter does with a filter that matches no row is
    # not documented: "drop" it (and write the rest) or "reject" the whole request.
    unmatched_filter: str = "drop"
    drive_page_limit: int = 1000  # files.list "may return fewer than" pageSize: this many
    log: list[Logged] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    before_apply: Callable[[Logged], None] | None = None
    port: int = 0
    crashes: list[Exception] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    _ids: Any = field(default_factory=lambda: itertools.count(1001))
    _server: ThreadingHTTPServer | None = None

    # -- set-up ------------------------------------------------------------------

    def add_account(self, email: str, key_id: str, public_key: rsa.RSAPublicKey) -> None:
        self.accounts[email] = (key_id, public_key)

    def add_book(
        self, owner: str, title: str = "Roadmap", sheets: list[Sheet] | None = None
    ) -> Book:
        book_id = "1" + secrets.token_urlsafe(30).replace("-", "a").replace("_", "b")
        book = Book(book_id, title, owner, sheets or [Sheet(0, "Sheet1")])
        book.readers.add(owner)
        self.books[book_id] = book
        return book

    def tag_row(self, book: Book, title: str, row: int, key: str = "sheets_sync.row") -> int:
        sheet = book.sheet_by_title(title)
        meta_id = next(self._ids)
        book.metadata[meta_id] = Metadata(meta_id, key, None, "DOCUMENT", sheet.sheet_id)
        sheet.row(row - 1).meta.append(meta_id)
        return meta_id

    def fail(self, *faults: Fault) -> None:
        self.faults.extend(faults)

    def api_calls(self) -> list[Logged]:
        """Requests to Sheets and Drive, without token refreshes."""
        return [entry for entry in self.log if entry.host in ("sheets", "drive")]

    # -- server --------------------------------------------------------------------

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                fake._handle(self)

            def do_PUT(self) -> None:
                fake._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def adapter(self) -> LocalRedirect:
        return LocalRedirect(self.port)

    # -- dispatch ------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw_body = handler.rfile.read(length) if length else b""
        parts = urlsplit(handler.path)
        host = HOSTS.get(handler.headers.get("X-Original-Host", ""), "?")
        query = parse_qs(parts.query, keep_blank_values=True)
        entry = Logged(host, handler.command, "?", unquote(parts.path), query, None)
        with self.lock:
            self.log.append(entry)
        try:
            status, payload = self._dispatch(handler, entry, raw_body)
        except DropConnection:
            handler.close_connection = True
            entry.status = -1
            return
        except ApiError as err:
            status, payload = err.status, err.body()
        except BadRequest as err:
            status, payload = 400, ApiError(400, str(err), "INVALID_ARGUMENT").body()
        except Exception as err:  # a bug in the fake: fail the test, not just the request
            self.crashes.append(err)
            status, payload = 599, {"error": {"code": 599, "message": repr(err)}}
        entry.status = status
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=UTF-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _dispatch(
        self, handler: BaseHTTPRequestHandler, entry: Logged, raw_body: bytes
    ) -> tuple[int, Any]:
        if entry.host == "oauth2":
            entry.name = "token"
            return self._token(parse_qs(raw_body.decode()))
        if entry.host == "iam":
            entry.name = "allowedLocations"
            self._caller(handler)
            return 200, {"locations": [], "encodedLocations": "0x0"}
        api = (
            discovery.load("sheets", "v4")
            if entry.host == "sheets"
            else discovery.load("drive", "v3")
        )
        routed = discovery.route(api, entry.method, entry.path)
        if routed is None:
            raise ApiError(404, "Method not found.", "NOT_FOUND")
        method, params = routed
        entry.name = method.name
        discovery.check_query(api, method, entry.query)
        body = json.loads(raw_body) if raw_body else None
        entry.body = body
        discovery.check_body(api, method, body)
        email = self._caller(handler)
        fault = self._next_fault(method.name)
        if fault is not None and not fault.after:
            if fault.status:
                raise ApiError.for_status(fault.status)
            raise DropConnection
        with self.lock:
            result = self._call(method.name, params, entry.query, body or {}, email, entry)
        if fault is not None and fault.after:
            raise DropConnection
        return 200, result

    def _next_fault(self, name: str) -> Fault | None:
        with self.lock:
            for index, fault in enumerate(self.faults):
                if fault.only is None or fault.only == name:
                    return self.faults.pop(index)
        return None

    # -- OAuth -----------------------------------------------------------------------

    def _token(self, form: dict[str, list[str]]) -> tuple[int, Any]:
        grant = form.get("grant_type", [""])[0]
        if grant != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return 400, {
                "error": "unsupported_grant_type",
                "error_description": "Invalid grant_type: " + grant,
            }
        assertion = form.get("assertion", [""])[0]
        try:
            head_b64, claims_b64, sig_b64 = assertion.split(".")
            header = json.loads(_b64(head_b64))
            claims = json.loads(_b64(claims_b64))
            signature = _b64(sig_b64)
        except ValueError:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT."}
        account = self.accounts.get(claims.get("iss", ""))
        if header.get("alg") != "RS256" or account is None:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        key_id, public_key = account
        try:
            public_key.verify(
                signature,
                f"{head_b64}.{claims_b64}".encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except InvalidSignature:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        now = time.time()
        if header.get("kid") != key_id:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        if claims.get("aud") != TOKEN_AUDIENCE:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT: audience."}
        if not (claims.get("iat", 0) - 300 <= now <= claims.get("exp", 0) + 300):
            return 400, {
                "error": "invalid_grant",
                "error_description": "Invalid JWT: Token must be a short-lived token.",
            }
        scopes = set(str(claims.get("scope", "")).split())
        if "https://www.googleapis.com/auth/spreadsheets" not in scopes:
            return 400, {
                "error": "invalid_scope",
                "error_description": "Missing spreadsheets scope.",
            }
        token = "ya29.fake-" + secrets.token_urlsafe(24)
        self.tokens[token] = (claims["iss"], now + 3600)
        self.scopes[claims["iss"]] = scopes
        return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def _caller(self, handler: BaseHTTPRequestHandler) -> str:
        auth = handler.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ")
        known = self.tokens.get(token)
        if not auth.startswith("Bearer ") or known is None or known[1] < time.time():
            raise ApiError(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 access token.",
                "UNAUTHENTICATED",
            )
        return known[0]

    # -- API methods -----------------------------------------------------------------

    def _book(self, book_id: str, email: str) -> Book:
        book = self.books.get(book_id)
        if book is None:
            raise ApiError(404, "Requested entity was not found.", "NOT_FOUND")
        if email not in book.readers:
            raise ApiError(403, "The caller does not have permission", "PERMISSION_DENIED")
        return book

    def _call(
        self,
        name: str,
        params: dict[str, str],
        query: dict[str, list[str]],
        body: dict[str, Any],
        email: str,
        entry: Logged,
    ) -> Any:
        if name == "files.create":
            return self._drive_create(body, email)
        if name == "spreadsheets.create":
            return self._create(body, email)
        if name == "files.list":
            return self._drive_list(query, email)
        book_id = unquote(params.get("spreadsheetId") or params.get("fileId", ""))
        book = self._book(book_id, email)
        if self.before_apply is not None:
            self.before_apply(entry)
        if name == "spreadsheets.get":
            return self._get(book, query)
        if name == "spreadsheets.batchUpdate":
            return self._batch_update(book, body)
        if name == "spreadsheets.values.batchGet":
            return self._values_batch_get(book, query)
        if name == "spreadsheets.values.batchUpdate":
            return self._values_batch_update(book, body)
        if name == "spreadsheets.values.batchUpdateByDataFilter":
            return self._values_update_by_filter(book, body)
        if name == "spreadsheets.developerMetadata.search":
            return self._metadata_search(book, body)
        if name == "files.get":
            return self._drive_get(book, email)
        if name == "permissions.create":
            book.readers.add(body.get("emailAddress", ""))
            return {"id": secrets.token_hex(8), "kind": "drive#permission"}
        raise ApiError(501, f"{name} is not implemented by the fake", "UNIMPLEMENTED")

    def _create(self, body: dict[str, Any], email: str) -> Any:
        props = body.get("properties", {})
        sheets = [
            _sheet_from_properties(spec.get("properties", {}), index)
            for index, spec in enumerate(body.get("sheets", []))
        ] or [Sheet(0, "Sheet1")]
        book = self.add_book(email, props.get("title", "Untitled spreadsheet"), sheets)
        if "locale" in props:
            book.locale = props["locale"]
        return self._resource(book, None)

    def _drive_get(self, book: Book, email: str) -> Any:
        """Drive's files.get, under Drive's scopes: ``drive.file`` sees only the files
        the app created (or a user opened with it), so a spreadsheet shared with the
        account by email is "not found" there; a metadata or full Drive scope sees it."""
        wide = {f"https://www.googleapis.com/auth/{s}" for s in DRIVE_WIDE_SCOPES}
        if book.owner != email and not wide & self.scopes.get(email, set()):
            raise ApiError(404, f"File not found: {book.spreadsheet_id}.", "NOT_FOUND")
        return {"id": book.spreadsheet_id, "version": book.content_version()}

    def _drive_list(self, query: dict[str, list[str]], email: str) -> Any:
        """Drive's files.list: the files matching ``q`` that the caller sees, a page at
        a time (``pageSize``, default 100, at most 1,000; the service may return fewer,
        as ``drive_page_limit`` makes it), the rest behind ``nextPageToken``."""
        keep = _drive_query(query.get("q", [""])[0])
        wide = {f"https://www.googleapis.com/auth/{s}" for s in DRIVE_WIDE_SCOPES}
        sees_shared = bool(wide & self.scopes.get(email, set()))
        found = [
            book
            for book in self.books.values()
            if (book.owner == email or (sees_shared and email in book.readers)) and keep(book)
        ]
        size = min(int(query.get("pageSize", ["100"])[0]), 1000, self.drive_page_limit)
        start = _page_start(query.get("pageToken", [""])[0])
        page = found[start : start + size]
        result: dict[str, Any] = {
            "kind": "drive#fileList",
            "incompleteSearch": False,
            "files": [
                {
                    "kind": "drive#file",
                    "id": b.spreadsheet_id,
                    "name": b.title,
                    "mimeType": SHEET_MIME,
                }
                for b in page
            ],
        }
        if start + size < len(found):
            result["nextPageToken"] = _page_token(start + size)
        fields = query.get("fields", [""])[0]
        if not fields:
            return result
        mask = discovery.parse_fields(fields)
        discovery.check_fields(discovery.load("drive", "v3").schemas, "FileList", mask)
        return discovery.apply_fields(result, mask)

    def _drive_create(self, body: dict[str, Any], email: str) -> Any:
        if body.get("mimeType") != "application/vnd.google-apps.spreadsheet":
            raise ApiError(400, "Only spreadsheets in this fake.", "INVALID_ARGUMENT")
        book = self.add_book(email, body.get("name", "Untitled spreadsheet"))
        book.parents = list(body.get("parents", []))
        return {"id": book.spreadsheet_id, "kind": "drive#file", "name": book.title}

    def _get(self, book: Book, query: dict[str, list[str]]) -> Any:
        fields = query.get("fields", [None])[0]
        mask = None
        if fields:
            mask = discovery.parse_fields(fields)
            discovery.check_fields(discovery.load("sheets", "v4").schemas, "Spreadsheet", mask)
        sheets_mask = (mask or {}).get("sheets") or {}
        with_data = (mask is not None and "data" in sheets_mask) or (
            mask is None and query.get("includeGridData", ["false"])[0] == "true"
        )
        return discovery.apply_fields(self._resource(book, with_data), mask)

    def _resource(self, book: Book, with_data: bool | None) -> dict[str, Any]:
        sheets = []
        for index, sheet in enumerate(book.sheets):
            entry: dict[str, Any] = {
                "properties": {
                    "sheetId": sheet.sheet_id,
                    "title": sheet.title,
                    "index": index,
                    "sheetType": "GRID",
                    "gridProperties": {
                        "rowCount": sheet.row_count,
                        "columnCount": sheet.column_count,
                        **({"frozenRowCount": sheet.frozen_rows} if sheet.frozen_rows else {}),
                    },
                },
            }
            if with_data:
                entry["data"] = [_grid_data(book, sheet)]
            if sheet.charts:
                entry["charts"] = copy.deepcopy(sheet.charts)
            sheets.append(entry)
        return {
            "spreadsheetId": book.spreadsheet_id,
            "properties": {"title": book.title, "locale": book.locale},
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit",
        }

    def _batch_update(self, book: Book, body: dict[str, Any]) -> Any:
        saved = copy.deepcopy(book)
        replies = []
        try:
            for index, request in enumerate(body.get("requests", [])):
                if len(request) != 1:
                    raise BadRequest("Each request must have exactly one kind of request set.")
                ((kind, spec),) = request.items()
                try:
                    replies.append(self._apply(book, kind, spec))
                except BadRequest as err:  # Google names the request that failed
                    text = str(err).replace("Invalid requests[0].", f"Invalid requests[{index}].")
                    raise BadRequest(text) from None
        except BaseException:
            # All or nothing, as in Google.
            book.__dict__.update(saved.__dict__)
            raise
        return {"spreadsheetId": book.spreadsheet_id, "replies": replies}

    def _apply(self, book: Book, kind: str, spec: dict[str, Any]) -> Any:
        if kind == "addSheet":
            props = spec.get("properties", {})
            sheet_id = props.get("sheetId", next(self._ids))
            if any(s.sheet_id == sheet_id for s in book.sheets):
                raise BadRequest(
                    f"Invalid requests[0].addSheet: Sheet with id {sheet_id} already exists."
                )
            if any(s.title == props.get("title") for s in book.sheets):
                raise BadRequest(
                    f'Invalid requests[0].addSheet: A sheet with the name "{props.get("title")}" '
                    "already exists. Please enter another name."
                )
            sheet = _sheet_from_properties({**props, "sheetId": sheet_id}, len(book.sheets))
            book.sheets.append(sheet)
            return {"addSheet": {"properties": {"sheetId": sheet.sheet_id, "title": sheet.title}}}
        if kind == "deleteSheet":
            sheet = book.sheet_by_id(spec["sheetId"])
            if len(book.sheets) == 1:
                raise BadRequest(
                    "Invalid requests[0].deleteSheet: "
                    "You can't remove all the sheets in a document."
                )
            book.sheets.remove(sheet)
            return {}
        if kind == "updateCells":
            start = spec.get("start")
            if start is None or "fields" not in spec:
                raise BadRequest("updateCells needs start and fields in this fake")
            sheet = book.sheet_by_id(start.get("sheetId", 0))
            for r, row_data in enumerate(spec.get("rows", [])):
                row = sheet.row(start.get("rowIndex", 0) + r)
                for c, cell in enumerate(row_data.get("values", [])):
                    value = cell.get("userEnteredValue") or None
                    if value is not None and len(value) != 1:
                        raise BadRequest("ExtendedValue: exactly one kind of value")
                    row.set(start.get("columnIndex", 0) + c, value)
            return {}
        if kind == "createDeveloperMetadata":
            meta = spec.get("developerMetadata", {})
            if not meta.get("metadataKey") or not meta.get("visibility"):
                raise BadRequest(
                    "Developer metadata must always have a key and a visibility specified."
                )
            location = meta.get("location", {})
            dims = location.get("dimensionRange")
            if dims is None or dims.get("dimension") != "ROWS":
                raise BadRequest("This fake stores row metadata only.")
            if dims["endIndex"] - dims["startIndex"] != 1:
                raise BadRequest("This fake stores single-row metadata only.")
            sheet = book.sheet_by_id(dims.get("sheetId", 0))
            meta_id = meta.get("metadataId") or next(self._ids)
            if meta_id in book.metadata:
                raise BadRequest(f"Developer metadata with id {meta_id} already exists.")
            book.metadata[meta_id] = Metadata(
                meta_id,
                meta["metadataKey"],
                meta.get("metadataValue"),
                meta["visibility"],
                sheet.sheet_id,
            )
            sheet.row(dims["startIndex"]).meta.append(meta_id)
            return {
                "createDeveloperMetadata": {"developerMetadata": {**meta, "metadataId": meta_id}}
            }
        if kind == "deleteDeveloperMetadata":
            where = book.row_locations()
            for meta_id in self._match(book, spec.get("dataFilter", {}), where):
                sheet, index = where[meta_id]
                sheet.rows[index].meta.remove(meta_id)
                book.metadata.pop(meta_id)
            return {}
        if kind == "insertDimension":
            rng = spec["range"]
            sheet = book.sheet_by_id(rng.get("sheetId", 0))
            book.insert_rows(
                sheet.title, rng["startIndex"] + 1, rng["endIndex"] - rng["startIndex"]
            )
            return {}
        if kind == "deleteDimension":
            rng = spec["range"]
            sheet = book.sheet_by_id(rng.get("sheetId", 0))
            book.delete_rows(
                sheet.title, rng["startIndex"] + 1, rng["endIndex"] - rng["startIndex"]
            )
            return {}
        if kind == "addNamedRange":
            named = spec["namedRange"]
            if named["name"] in book.named_ranges:
                raise BadRequest(
                    "Invalid requests[0].addNamedRange: "
                    f"Named range '{named['name']}' already exists."
                )
            book.sheet_by_id(named["range"].get("sheetId", 0))
            book.named_ranges[named["name"]] = named
            return {
                "addNamedRange": {"namedRange": {**named, "namedRangeId": secrets.token_hex(6)}}
            }
        if kind == "updateDimensionProperties":
            rng = spec["range"]
            sheet = book.sheet_by_id(rng.get("sheetId", 0))
            sheet.extras.setdefault(kind, []).append(spec)
            return {}
        if kind == "repeatCell":
            if not spec.get("fields"):
                raise BadRequest("Invalid requests[0].repeatCell: fields is required")
            sheet = book.sheet_by_id(spec.get("range", {}).get("sheetId", 0))
            sheet.extras.setdefault(kind, []).append(spec)
            return {}
        if kind in ("setDataValidation", "addConditionalFormatRule", "addProtectedRange"):
            ranges = spec.get("rule", {}).get("ranges") or [
                spec.get("range") or spec.get("protectedRange", {}).get("range", {})
            ]
            for rng in ranges:
                sheet = book.sheet_by_id(rng.get("sheetId", 0))
                sheet.extras.setdefault(kind, []).append(spec)
            return {}
        if kind == "addChart":
            try:
                return charts.add_chart(book, spec, next(self._ids))
            except charts.NotImplementedByFake as err:
                raise ApiError(501, str(err), "UNIMPLEMENTED") from None
        if kind == "updateSpreadsheetProperties":
            book.locale = spec.get("properties", {}).get("locale", book.locale)
            return {}
        raise ApiError(501, f"batchUpdate {kind} is not implemented by the fake", "UNIMPLEMENTED")

    def _match(
        self, book: Book, data_filter: dict[str, Any], where: dict[int, tuple[Sheet, int]]
    ) -> list[int]:
        """metadataIds of row metadata matching a DataFilter's developerMetadataLookup."""
        lookup = data_filter.get("developerMetadataLookup")
        if lookup is None:
            raise BadRequest("This fake matches developerMetadataLookup filters only.")
        if "metadataLocation" in lookup or "locationMatchingStrategy" in lookup:
            raise ApiError(501, "location lookups are not implemented by the fake", "UNIMPLEMENTED")
        found = []
        candidates = (
            [(int(lookup["metadataId"]), book.metadata.get(int(lookup["metadataId"])))]
            if "metadataId" in lookup
            else list(book.metadata.items())
        )
        for meta_id, meta in candidates:
            if meta is None:
                continue
            if "metadataId" in lookup and int(lookup["metadataId"]) != meta_id:
                continue
            if "metadataKey" in lookup and lookup["metadataKey"] != meta.key:
                continue
            if "metadataValue" in lookup and lookup["metadataValue"] != meta.value:
                continue
            if lookup.get("locationType", "ROW") not in (
                "ROW",
                "DEVELOPER_METADATA_LOCATION_TYPE_UNSPECIFIED",
            ):
                continue
            if "visibility" in lookup and lookup["visibility"] != meta.visibility:
                continue
            if meta_id in where:
                found.append(meta_id)
        return found

    def _values_batch_get(self, book: Book, query: dict[str, list[str]]) -> Any:
        option = query.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
        if query.get("majorDimension", ["ROWS"])[0] == "COLUMNS":
            raise ApiError(501, "COLUMNS is not implemented by the fake", "UNIMPLEMENTED")
        ranges = []
        for text in query.get("ranges", []):
            sheet, row0, col0, end_row, end_col = parse_range(book, text)
            used_rows, used_cols = sheet.used()
            end_row = min(end_row or used_rows, max(used_rows, row0))
            end_col = min(end_col or used_cols, max(used_cols, col0))
            values = [
                [render(sheet.rows[r].get(c), option) for c in range(col0, end_col)]
                for r in range(row0, min(end_row, len(sheet.rows)))
            ]
            values = trim(values)
            item: dict[str, Any] = {
                "range": a1(sheet, row0, col0, end_row - row0, end_col - col0),
                "majorDimension": "ROWS",
            }
            if values:
                item["values"] = values
            ranges.append(item)
        return {"spreadsheetId": book.spreadsheet_id, "valueRanges": ranges}

    def _write_row(self, sheet: Sheet, row0: int, col0: int, values: list[Any], option: str) -> int:
        parse = raw if option == "RAW" else user_entered
        written = 0
        for c, value in enumerate(values):
            if value is None:
                continue  # null: leave the cell alone
            if isinstance(value, str) and len(value) > 50000:
                raise BadRequest(
                    "Your input contains more than the maximum of 50000 "
                    "characters in a single cell."
                )
            sheet.row(row0).set(col0 + c, parse(value))
            written += 1
        return written

    def _values_batch_update(self, book: Book, body: dict[str, Any]) -> Any:
        option = body.get("valueInputOption")
        if option not in ("RAW", "USER_ENTERED"):
            raise BadRequest("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
        responses = []
        for item in body.get("data", []):
            sheet, row0, col0, _, _ = parse_range(book, item["range"])
            if item.get("majorDimension", "ROWS") != "ROWS":
                raise ApiError(501, "COLUMNS is not implemented by the fake", "UNIMPLEMENTED")
            cells = sum(
                self._write_row(sheet, row0 + r, col0, line, option)
                for r, line in enumerate(item.get("values", []))
            )
            rows = len(item.get("values", []))
            cols = max((len(line) for line in item.get("values", [])), default=0)
            responses.append(
                {
                    "spreadsheetId": book.spreadsheet_id,
                    "updatedRange": a1(sheet, row0, col0, rows, cols),
                    "updatedRows": rows,
                    "updatedColumns": cols,
                    "updatedCells": cells,
                }
            )
        return {
            "spreadsheetId": book.spreadsheet_id,
            "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
            "responses": responses,
        }

    def _values_update_by_filter(self, book: Book, body: dict[str, Any]) -> Any:
        option = body.get("valueInputOption")
        if option not in ("RAW", "USER_ENTERED"):
            raise BadRequest("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
        where = book.row_locations()
        responses = []
        total = 0
        if self.unmatched_filter == "reject":  # one reading of what Google leaves unsaid
            for item in body.get("data", []):
                if not self._match(book, item.get("dataFilter", {}), where):
                    raise BadRequest("No grid ranges match the data filter.")
        render_option = body.get("responseValueRenderOption", "FORMATTED_VALUE")
        for item in body.get("data", []):
            if item.get("majorDimension", "ROWS") != "ROWS":
                raise ApiError(501, "COLUMNS is not implemented by the fake", "UNIMPLEMENTED")
            values = item.get("values", [])
            for meta_id in self._match(book, item.get("dataFilter", {}), where):
                sheet, row0 = where[meta_id]
                if len(values) > 1:
                    raise BadRequest("Requested writing within range, but tried writing to row 2")
                cells = sum(self._write_row(sheet, row0, 0, line, option) for line in values)
                total += cells
                cols = max((len(line) for line in values), default=0)
                response = {
                    "updatedRange": a1(sheet, row0, 0, 1, cols),
                    "updatedRows": 1,
                    "updatedColumns": cols,
                    "updatedCells": cells,
                    "dataFilter": item.get("dataFilter"),
                }
                if body.get("includeValuesInResponse"):
                    row = sheet.rows[row0]
                    line = [render(row.get(c), render_option) for c in range(cols)]
                    response["updatedData"] = {
                        "range": a1(sheet, row0, 0, 1, cols),
                        "majorDimension": "ROWS",
                        "values": trim([line]),
                    }
                responses.append(response)
        return {
            "spreadsheetId": book.spreadsheet_id,
            "totalUpdatedCells": total,
            "responses": responses,
        }

    def _metadata_search(self, book: Book, body: dict[str, Any]) -> Any:
        where = book.row_locations()
        matched = []
        for data_filter in body.get("dataFilters", []):
            for meta_id in self._match(book, data_filter, where):
                _sheet, row0 = where[meta_id]
                meta = book.metadata[meta_id]
                matched.append(
                    {
                        "developerMetadata": _metadata_json(meta, row0),
                        "dataFilters": [data_filter],
                    }
                )
        return {"matchedDeveloperMetadata": matched} if matched else {}


SHEET_MIME = "application/vnd.google-apps.spreadsheet"
_CLAUSE = re.compile(
    r"^\s*(?:'(?P<parent>[^']+)'\s+in\s+parents"
    r"|mimeType\s*=\s*'(?P<mime>[^']+)'"
    r"|trashed\s*=\s*(?P<trashed>true|false))\s*$"
)


def _drive_query(q: str) -> Callable[[Book], bool]:
    """The part of Drive's query language the watcher uses: clauses joined by ``and``
    (``'ID' in parents``, ``mimeType='...'``, ``trashed=false``). Anything else is
    a 400, as Google answers a query it cannot parse."""
    tests: list[Callable[[Book], bool]] = []
    for clause in re.split(r"\s+and\s+", q.strip()) if q.strip() else []:
        match = _CLAUSE.match(clause)
        if match is None:
            raise ApiError(400, "Invalid Value", "INVALID_ARGUMENT")
        parent, mime, trashed = match.group("parent", "mime", "trashed")
        if parent is not None:
            tests.append(lambda book, parent=parent: parent in book.parents)
        elif mime is not None:
            tests.append(lambda book, mime=mime: mime == SHEET_MIME)
        else:
            tests.append(lambda book, flag=trashed == "true": book.trashed == flag)
    return lambda book: all(test(book) for test in tests)


def _page_token(start: int) -> str:
    return base64.urlsafe_b64encode(f"page:{start}".encode()).decode()


def _page_start(token: str) -> int:
    if not token:
        return 0
    try:
        kind, _, start = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if kind == "page":
            return int(start)
    except ValueError:
        pass
    raise ApiError(400, "Invalid Value", "INVALID_ARGUMENT")


def _metadata_json(meta: Metadata, row0: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "metadataId": meta.metadata_id,
        "metadataKey": meta.key,
        "location": {
            "locationType": "ROW",
            "dimensionRange": {
                "sheetId": meta.sheet_id,
                "dimension": "ROWS",
                "startIndex": row0,
                "endIndex": row0 + 1,
            },
        },
        "visibility": meta.visibility,
    }
    if meta.value is not None:
        out["metadataValue"] = meta.value
    return out


def _cell_data(cell: Cell) -> dict[str, Any]:
    """A cell as ``CellData``: what was typed (``userEnteredValue``) and, as documented,
    its ``effectiveValue``: the entered value itself, or a formula's result. The fake
    does not evaluate formulas: a test sets the result as the cell's "cached" value,
    and a formula without one reads as a formula whose result is empty (no
    ``effectiveValue``, as Google sends for an empty result)."""
    if not cell:
        return {}
    entered = {k: v for k, v in cell.items() if k != "cached"}
    data: dict[str, Any] = {"userEnteredValue": entered}
    if "formulaValue" not in entered:
        data["effectiveValue"] = entered
    elif cell.get("cached") is not None:
        data["effectiveValue"] = raw(cell["cached"])
    return data


def _grid_data(book: Book, sheet: Sheet) -> dict[str, Any]:
    used_rows, _ = sheet.used()
    row_data = []
    for row in sheet.rows[:used_rows]:
        cells = list(row.cells)
        while cells and not cells[-1]:
            cells.pop()
        row_data.append({"values": [_cell_data(c) for c in cells]} if cells else {})
    row_meta = []
    for index in range(sheet.row_count):
        row = sheet.rows[index] if index < len(sheet.rows) else Row()
        entry: dict[str, Any] = {"pixelSize": 21}
        if row.meta:
            entry["developerMetadata"] = [_metadata_json(book.metadata[m], index) for m in row.meta]
        row_meta.append(entry)
    out: dict[str, Any] = {
        "rowMetadata": row_meta,
        "columnMetadata": [{"pixelSize": 100}] * sheet.column_count,
    }
    if row_data:
        out["rowData"] = row_data
    return out


def _sheet_from_properties(props: dict[str, Any], index: int) -> Sheet:
    grid = props.get("gridProperties", {})
    return Sheet(
        sheet_id=props.get("sheetId", index),
        title=props.get("title", f"Sheet{index + 1}"),
        row_count=grid.get("rowCount", 1000),
        column_count=grid.get("columnCount", 26),
        frozen_rows=grid.get("frozenRowCount", 0),
    )


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class DropConnection(Exception):
    """Close the socket without answering."""


class ApiError(Exception):
    STATUS: ClassVar[dict[int, str]] = {
        400: "INVALID_ARGUMENT",
        401: "UNAUTHENTICATED",
        403: "PERMISSION_DENIED",
        404: "NOT_FOUND",
        429: "RESOURCE_EXHAUSTED",
        500: "INTERNAL",
        502: "UNAVAILABLE",
        503: "UNAVAILABLE",
        504: "DEADLINE_EXCEEDED",
    }

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code

    @classmethod
    def for_status(cls, status: int) -> ApiError:
        if status == 429:
            return cls(
                429,
                "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per "
                "minute per user' of service 'sheets.googleapis.com' for consumer "
                "'project_number:123456789012'.",
                "RESOURCE_EXHAUSTED",
            )
        if status == 500:
            return cls(500, "Internal error encountered.", "INTERNAL")
        return cls(
            status, "The service is currently unavailable.", cls.STATUS.get(status, "UNKNOWN")
        )

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.status, "message": self.message, "status": self.code}
        if self.status == 429:
            error["details"] = [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "RATE_LIMIT_EXCEEDED",
                    "domain": "googleapis.com",
                    "metadata": {"service": "sheets.googleapis.com", "quota_limit_value": "60"},
                }
            ]
        return {"error": error}
