"""A local HTTP server for metric sources: canned responses by path, every request kept."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Canned:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes


Answer = Canned | Callable[[Seen], Canned]


class MetricServer:
    """Answers each path with its queue of answers (the last one repeats).

    An answer is a canned response, or a function of the request that checks it
    as the real API would and answers accordingly.
    """

    def __init__(self) -> None:
        self.routes: dict[str, list[Answer]] = {}
        self.seen: list[Seen] = []
        self.url = ""

    def answer(self, path: str, *responses: Answer) -> None:
        self.routes[path] = list(responses)

    def respond(self, seen: Seen) -> Canned:
        self.seen.append(seen)
        queue = self.routes.get(seen.path.split("?")[0])
        if not queue:
            return Canned(404, b"not found")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return answer if isinstance(answer, Canned) else answer(seen)


@contextmanager
def metric_server() -> Iterator[MetricServer]:
    state = MetricServer()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            headers = {name.lower(): value for name, value in self.headers.items()}
            seen = Seen(self.command, self.path, headers, self.rfile.read(length))
            canned = state.respond(seen)
            self.send_response(canned.status)
            for name, value in canned.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(canned.body)))
            self.end_headers()
            self.wfile.write(canned.body)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serving(Handler) as url:
        state.url = url
        yield state


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` answering on a free local port, in a thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
