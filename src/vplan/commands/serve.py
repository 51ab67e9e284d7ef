"""``vplan serve``: the address and the rules checked, then the page run with the journal."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def serve(
    *,
    host: str,
    port: int,
    idle_minutes: float,
    open_browser: bool,
    rules: Path | None,
    procedure: str | None,
    record: Path | None,
) -> None:
    """Run the page until Ctrl-C or the idle time; a wrong address or rules file stops it first."""
    from vplan.serve.run import check_host

    check_host(host)
    from vplan.commands.common import load
    from vplan.delivery import journal

    load(rules, procedure)  # a bad rules file stops here, before the page starts
    from vplan.serve.made import Settings
    from vplan.serve.run import serve as run_page

    settings = Settings(rules=rules, procedure=procedure, env=os.environ, journal=journal(record))
    run_page(settings, port=port, idle_minutes=idle_minutes, open_browser=open_browser)
