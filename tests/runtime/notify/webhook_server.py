"""A real HTTP server on 127.0.0.1, in a thread, that records webhook POSTs.

`script` decides each answer in turn (a status code, or "hang" to answer only
after the client gave up); when it runs out, `default` is used.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class WebhookServer:
    def __init__(self) -> None:
        self.script: list[int | str] = []
        self.default: int | str = 200
        self.requests: list[dict[str, Any]] = []  # every POST, whatever the answer
        self.bodies: list[dict[str, Any]] = []  # the POSTs answered 2xx
        self.headers: list[dict[str, str]] = []
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/hook"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _next(self) -> int | str:
        with self._lock:
            return self.script.pop(0) if self.script else self.default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                action = hook._next()
                with hook._lock:
                    hook.requests.append(body)
                    hook.headers.append(dict(self.headers))
                if action == "hang":  # answer nothing until the test ends
                    hook.release.wait(10)
                    return
                status = int(action)
                if 200 <= status < 300:
                    with hook._lock:
                        hook.bodies.append(body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return  # keep test output quiet

        return Handler
