"""What every request must show before the page answers, and the headers every answer carries.

The page listens on the loopback address only. Its first address carries a random
token; the page trades it for a cookie (HttpOnly, SameSite=Strict) and sends the browser
on to an address without it. Every request must then carry that cookie, name this
server in its Host header (so a name that resolves here by DNS rebinding is refused), and,
when it has an Origin, come from this server's own pages.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK = "127.0.0.1"
LOOPBACK_NAMES = (LOOPBACK, "localhost")
MAX_BODY = 20 * 2**20  # bytes: a day's list (16 MiB at most) and its form
SAFE_METHODS = frozenset({"GET", "HEAD"})

# The page's own: nothing from elsewhere, no inline script or style, forms only to itself.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; "
    "img-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
COMMON_HEADERS = (
    ("cache-control", "no-store"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),  # no-referrer would make a form's Origin "null"
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
)


def cookie_name(port: int) -> str:
    """The session cookie's name; cookies are not kept apart by port, so the port is in it."""
    return f"vplan-{port}"


class Idle:
    """When the page last answered a request, to stop it after an idle time."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.last = clock()

    def touch(self) -> None:
        """A request came in now."""
        self.last = self.clock()

    def idle_for(self) -> float:
        """Seconds since the last request."""
        return self.clock() - self.last


class Guard:
    """ASGI middleware: refuse what is not from this computer's own page, else pass it on."""

    def __init__(self, app: App, *, port: int, token: str, idle: Idle | None = None) -> None:
        self.app = app
        self.port = port
        self.token = token
        self.idle = idle
        self.hosts = frozenset(f"{name}:{port}" for name in LOOPBACK_NAMES)
        self.origins = frozenset(f"http://{host}" for host in self.hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a request once it has passed every check."""
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # no websockets
            await send({"type": "websocket.close", "code": 1008})
            return
        if self.idle is not None:
            self.idle.touch()
        refusal = self.refusal(scope)
        if refusal is not None:
            status, text = refusal
            await _plain(send, status, text)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if "token" in query:  # the first address: trade the token for the cookie
            await _plain(
                send, 303, "Go on to the page.",
                ("location", "/"),
                ("set-cookie", f"{cookie_name(self.port)}={self.token}; Path=/; HttpOnly; "
                               "SameSite=Strict"),
            )  # fmt: skip
            return

        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = _secured(list(message.get("headers", [])))
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception as exc:  # logged by its kind only: its words could hold a name typed
            logging.getLogger("vplan.serve").error("a request failed (%s)", type(exc).__name__)
            if not started:
                await _plain(send, 500, "Something went wrong; try again, or use the command line.")

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        """Why this request is refused (status and a line to show), or None."""
        headers: dict[str, list[str]] = {}
        for key, value in scope.get("headers", []):
            headers.setdefault(key.decode("latin-1").lower(), []).append(value.decode("latin-1"))
        host = headers.get("host", [])
        if len(host) != 1 or host[0].lower() not in self.hosts:
            return 403, (
                f"This page answers only at http://{LOOPBACK}:{self.port}/ (the Host of the "
                "request names another server)."
            )
        origin = headers.get("origin", [])
        method = scope.get("method", "GET")
        if origin and (len(origin) != 1 or origin[0].lower() not in self.origins):
            return 403, "This page answers only its own pages (the request came from another site)."
        if not origin and method not in SAFE_METHODS:
            return 403, "This page takes forms only from its own pages (the request has no Origin)."
        if headers.get("sec-fetch-site", ["same-origin"])[0] not in ("same-origin", "none"):
            return 403, "This page answers only its own pages (the request came from another site)."
        length = headers.get("content-length", ["0"])[0]
        if not length.isdecimal() or int(length) > MAX_BODY:
            return 413, f"The form is larger than {MAX_BODY // 2**20} MiB; send a smaller file."
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if "token" in query:
            given = query["token"][0] if len(query["token"]) == 1 else ""
            if hmac.compare_digest(given.encode(), self.token.encode()):
                return None
            return 403, "This address's token is wrong; open the address 'vplan serve' printed."
        if not hmac.compare_digest(_cookie(headers, cookie_name(self.port)), self.token.encode()):
            return (
                403,
                ("Open the address 'vplan serve' printed (this browser has no key to the page)."),
            )
        return None


def _cookie(headers: dict[str, list[str]], name: str) -> bytes:
    for line in headers.get("cookie", []):
        for part in line.split(";"):
            key, _, value = part.strip().partition("=")
            if key == name:
                return value.encode("latin-1")
    return b""


def _secured(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers every answer carries; a page's own Content-Security-Policy is kept."""
    names = {key.lower() for key, _ in headers}
    added = [(k.encode(), v.encode()) for k, v in COMMON_HEADERS if k.encode() not in names]
    if b"content-security-policy" not in names:
        added.append((b"content-security-policy", PAGE_POLICY.encode()))
    return headers + added


async def _plain(send: Send, status: int, text: str, *extra: tuple[str, str]) -> None:
    body = (text + "\n").encode("utf-8")
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *((k.encode("latin-1"), v.encode("latin-1")) for k, v in extra),
    ]
    await send({"type": "http.response.start", "status": status, "headers": _secured(headers)})
    await send({"type": "http.response.body", "body": body})
