"""Start the page on uvicorn, on the loopback address, and stop it when it has been idle."""

from __future__ import annotations

import asyncio
import secrets
import socket
import sys
import webbrowser
from typing import TYPE_CHECKING

import uvicorn

from vplan.errors import InputError, OutputError
from vplan.serve.guard import LOOPBACK, LOOPBACK_NAMES, Idle
from vplan.serve.pages import make_app

if TYPE_CHECKING:
    from vplan.serve.made import Settings


def check_host(host: str) -> None:
    """Refuse any address but the loopback one: the page is for this computer only."""
    if host.lower() not in LOOPBACK_NAMES:
        raise InputError(
            f"vplan serve listens on this computer only; --host {host} is refused: leave out "
            f"--host (or give {LOOPBACK})"
        )


def bind(port: int) -> socket.socket:
    """A listening socket on the loopback address (port 0: a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((LOOPBACK, port))
    except OSError as exc:
        sock.close()
        raise OutputError(
            f"cannot listen on {LOOPBACK}:{port} ({exc.strerror}); give another --port, or "
            "leave it out to take a free one"
        ) from None
    sock.listen(64)
    return sock


def serve(settings: Settings, *, port: int, idle_minutes: float, open_browser: bool) -> None:
    """Run the page until Ctrl-C, or until no request came for ``idle_minutes``."""
    sock = bind(port)
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(32)
    idle = Idle()
    app = make_app(settings, port=port, token=token, idle=idle)
    # No access log: a request's address could carry what was typed. Warnings only.
    config = uvicorn.Config(
        app, access_log=False, log_level="warning", server_header=False, date_header=False,
        lifespan="off",
    )  # fmt: skip
    server = uvicorn.Server(config)
    address = f"http://{LOOPBACK}:{port}/?token={token}"
    sys.stdout.write(
        f"vplan serve: open {address}\n"
        f"It stops after {idle_minutes:g} minutes without a request, or with Ctrl-C.\n"
    )
    sys.stdout.flush()
    if open_browser:
        webbrowser.open(address)

    async def main() -> None:
        async def watch() -> None:
            while not server.should_exit:
                await asyncio.sleep(min(5.0, idle_minutes * 60 / 4))
                if idle.idle_for() >= idle_minutes * 60:
                    sys.stdout.write("vplan serve: stopped after the idle time.\n")
                    server.should_exit = True

        watcher = asyncio.create_task(watch())
        try:
            await server.serve(sockets=[sock])
        finally:
            watcher.cancel()

    try:
        asyncio.run(main())
    finally:
        sock.close()
