"""The HTTP adapter: copies :class:`sitegen.serve.app.Response` objects to the wire."""

from __future__ import annotations

import shutil
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sitegen.serve.app import App, Response

_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout)


class SiteHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], app: App, *, verbose: bool = False) -> None:
        self.app = app
        self.verbose = verbose
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, SiteRequestHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, _GONE):
            return  # the browser went away; nothing to report
        super().handle_error(request, client_address)


class SiteRequestHandler(BaseHTTPRequestHandler):
    server: SiteHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "sitegen"
    sys_version = ""

    def _serve(self, method: str) -> None:
        if method not in ("GET", "HEAD"):
            self.close_connection = True  # any request body is left unread
        resp = self.server.app.handle(method, self.path, dict(self.headers.items()))
        try:
            self._send(resp)
        except _GONE:
            self.close_connection = True
        finally:
            if resp.file is not None:
                resp.file.close()

    def _send(self, resp: Response) -> None:
        self.send_response(resp.status)
        for name, value in resp.headers.items():
            self.send_header(name, value)
        if resp.stream is not None:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if resp.stream is not None:
            self.wfile.flush()

            def write(data: bytes) -> None:
                self.wfile.write(data)
                self.wfile.flush()

            resp.stream(write)
        elif resp.file is not None:
            shutil.copyfileobj(resp.file, self.wfile, 256 * 1024)
        elif resp.body:
            self.wfile.write(resp.body)

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._serve("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._serve("PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self._serve("DELETE")

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._serve("OPTIONS")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        if self.server.verbose:
            super().log_message(format, *args)
