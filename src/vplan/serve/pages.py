"""The page's routes: the handout form and its preview, the day's list, the question box, the signs.

Each route reads its form, calls ``made`` and lays the result out with the page's
templates (Jinja2, autoescaped). Documents are kept in memory, under a random key, only
until they are fetched a few times or newer ones push them out.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import secrets
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartParser
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from vplan.formats import PDF, Command, OutputFormat, Paper, by_name, offered
from vplan.i18n import ENGLISH, LANGUAGES, NAMES
from vplan.serve import made
from vplan.serve.guard import MAX_BODY, Guard, Idle

if TYPE_CHECKING:
    from starlette.types import ASGIApp

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
FONTS = HERE.parent / "fonts"
STATIC_FILES = {
    "serve.css": (STATIC / "serve.css", "text/css; charset=utf-8"),
    "NotoSans-Regular.ttf": (FONTS / "NotoSans-Regular.ttf", "font/ttf"),
    "NotoSans-Bold.ttf": (FONTS / "NotoSans-Bold.ttf", "font/ttf"),
}
PAPER_NAMES = {"letter": "US Letter", "a4": "A4"}
KEPT = 16  # documents kept in memory at once
PREVIEW = "html"  # the format the preview shows in its frame: the handout as a web page
PRINT = "print"  # the Print button: the PDF, opened in the browser to print
TEACH = "teach"  # the Teach-back button: the questions, to tick those answered
TAUGHT = "taught"  # the button that records the answers ticked
ORDERS_GONE = "the orders file sent before is no longer kept here; choose it again"
STYLE = re.compile(rb"<style>(.*?)</style>", re.DOTALL)


def saves() -> dict[str, OutputFormat]:
    """What each button that gives a file asks for: Print, then each format ``handout`` writes."""
    return {PRINT: PDF, **{row.name: row for row in offered(Command.HANDOUT)}}


def save_words(row: OutputFormat) -> str:
    """What a format's button says: "Save the PDF", "Save the phone calendar (.ics)"."""
    if row.calendar:
        return f"Save the phone calendar ({row.ending})"
    if row.media.startswith("text/html"):
        return "Save as a web page"
    return f"Save the {row.label}"


@functools.cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def preview_policy(document: bytes) -> str:
    """The Content-Security-Policy of a handout shown as the command line makes it.

    The handout is one self-contained file: its style element (allowed by its digest,
    nothing else inline) and its fonts inside it (data: addresses); no script at all.
    """
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()}'"
        for m in STYLE.finditer(document)
    )
    return (
        f"default-src 'none'; style-src {hashes or chr(39) + 'none' + chr(39)}; font-src data:; "
        "img-src data:; form-action 'none'; frame-ancestors 'self'; base-uri 'none'"
    )


class Kept:
    """Documents made for the page, in memory, by a random key, the newest KEPT only."""

    def __init__(self) -> None:
        self.items: OrderedDict[str, tuple[bytes, str, str]] = OrderedDict()

    def put(self, data: bytes, media: str, file_name: str) -> str:
        """Keep a document; its key."""
        key = secrets.token_urlsafe(16)
        self.items[key] = (data, media, file_name)
        while len(self.items) > KEPT:
            self.items.popitem(last=False)
        return key

    def get(self, key: str) -> tuple[bytes, str, str] | None:
        """A kept document, or None."""
        return self.items.get(key)


class Site:
    """The page's routes over one ``made.Settings``."""

    def __init__(self, settings: made.Settings) -> None:
        self.settings = settings
        self.kept = Kept()
        self.orders: OrderedDict[str, made.Upload] = OrderedDict()  # orders files sent

    def orders_for(
        self, values: dict[str, str], sent: made.Upload | None
    ) -> tuple[made.Upload | None, dict[str, str]]:
        """The orders file the form means: the one just sent, else the one sent before.

        A file input is empty again on each page, so an orders file sent is kept in memory
        (the newest KEPT) and the form names it by key, until another is chosen or the nurse
        ticks it out: the next button makes its document with the same orders.
        """
        asked = values.get("orders_kept", "")
        dropped = values.get("orders_drop") == "yes"
        values = {
            k: v
            for k, v in values.items()
            if k not in ("orders_kept", "orders_name", "orders_drop")
        }
        if sent is None:
            if not asked or dropped:
                return None, values
            kept = self.orders.get(asked)
            if kept is None:
                raise made.Problems({"orders": ORDERS_GONE})
            return kept, {**values, "orders_kept": asked, "orders_name": kept.name}
        key = secrets.token_urlsafe(16)
        self.orders[key] = sent
        while len(self.orders) > KEPT:
            self.orders.popitem(last=False)
        return sent, {**values, "orders_kept": key, "orders_name": sent.name}

    def routes(self) -> list[Route]:
        """Every address the page answers."""
        return [
            Route("/", self.handout, methods=["GET", "POST"]),
            Route("/list", self.day_list, methods=["GET", "POST"]),
            Route("/check", self.check, methods=["GET", "POST"]),
            Route("/signs", self.signs, methods=["GET"]),
            Route("/made/{key}", self.document, methods=["GET"]),
            Route("/static/{name}", self.static, methods=["GET"]),
            Route("/favicon.ico", lambda request: Response(status_code=204), methods=["GET"]),
        ]

    def page(self, template: str, status: int = 200, **values: object) -> HTMLResponse:
        """A page of the site, laid out by its template."""
        shown: dict[str, object] = {
            "errors": {}, "values": {}, "preview": None, "saved": None, "saved_key": None,
            "result": None, "key": None, "lines": None, "listing": None, "procedures": [],
            "teach": None,
            "languages": [(code, NAMES[code]) for code in LANGUAGES],
            "papers": [(p.value, PAPER_NAMES.get(p.value, p.value)) for p in Paper],
            "saves": [(row.name, save_words(row)) for row in offered(Command.HANDOUT)],
        }  # fmt: skip
        html = _templates().get_template(template).render({**shown, **values})
        return HTMLResponse(html, status_code=status)

    def refused(
        self, values: dict[str, str], problems: made.Problems, procedures: list[tuple[str, str]]
    ) -> HTMLResponse:
        """The handout form again, each problem beside its field; a wrong orders file not kept."""
        if "orders" in problems.by_field:
            values = {k: v for k, v in values.items() if k not in ("orders_kept", "orders_name")}
        return self.page(
            "handout.html.j2", status=422, values=values, errors=problems.by_field,
            procedures=procedures,
        )  # fmt: skip

    async def handout(self, request: Request) -> Response:
        """The handout form; posted, the preview or a file to save, or the problems."""
        names = await run_in_threadpool(made.procedures, self.settings)
        procedures = [(name, name.capitalize()) for name in names]
        if request.method == "GET":
            return self.page("handout.html.j2", values={}, errors={}, procedures=procedures)
        values, files = await _form(request)
        action = values.get("do", "preview")
        try:
            orders, values = self.orders_for(values, files.get("orders"))
        except made.Problems as problems:
            return self.refused(values, problems, procedures)
        if action in (TEACH, TAUGHT):
            return await self.teach_back(values, orders, procedures, action)
        given = saves()
        fmt = given.get(action) or by_name(PREVIEW)

        def make() -> made.Document:
            form = made.read_handout(values, self.settings, fmt)
            plan = made.plan_for(form, orders, self.settings)
            return made.make_document(form, plan, fmt, self.settings, record=action in given)

        try:
            document = await run_in_threadpool(make)
        except made.Problems as problems:
            return self.refused(values, problems, procedures)
        key = self.kept.put(document.data, fmt.media, document.file_name)
        preview = key if action not in given else None
        return self.page(
            "handout.html.j2", values=values, errors={}, procedures=procedures, preview=preview,
            saved=None if preview else document, saved_key=key,
        )  # fmt: skip

    async def teach_back(
        self,
        values: dict[str, str],
        orders: made.Upload | None,
        procedures: list[tuple[str, str]],
        action: str,
    ) -> Response:
        """The teach-back questions shown; or the answers ticked, noted and recorded."""

        def teach() -> made.Taught:
            form = made.read_handout(values, self.settings)
            plan = made.plan_for(form, orders, self.settings)
            if action == TAUGHT:
                return made.record_teach_back(form, plan, values, self.settings)
            return made.Taught(made.teach_back(form, plan, self.settings), form.patient.name)

        try:
            taught = await run_in_threadpool(teach)
        except made.Problems as problems:
            return self.refused(values, problems, procedures)
        values = {**values, "teach_digest": taught.digest}
        if taught.answered is not None:
            values["taught"] = taught.answered  # the files saved next carry it
        return self.page(
            "handout.html.j2", values=values, errors={}, procedures=procedures, teach=taught
        )

    async def document(self, request: Request) -> Response:
        """A document made before: the preview in its frame, or a file to save."""
        found = self.kept.get(request.path_params["key"])
        if found is None:
            return self.page("gone.html.j2", status=404)
        data, media, file_name = found
        headers = {}
        if media.startswith("text/html") and "save" not in request.query_params:
            headers["content-security-policy"] = preview_policy(data)
        else:
            how = "inline" if "inline" in request.query_params else "attachment"
            headers["content-disposition"] = f'{how}; filename="{file_name}"'
        return Response(data, media_type=media, headers=headers)

    async def day_list(self, request: Request) -> Response:
        """The day's list form; posted, the combined PDF and the refused rows."""
        if request.method == "GET":
            return self.page("list.html.j2", values={}, errors={})
        values, files = await _form(request)
        try:
            result = await run_in_threadpool(
                made.day_list, values, files.get("list"), self.settings
            )
        except made.Problems as problems:
            return self.page("list.html.j2", status=422, values=values, errors=problems.by_field)
        key = None
        if result.combined is not None:
            key = self.kept.put(result.combined, PDF.media, f"day{PDF.ending}")
        return self.page("list.html.j2", values=values, errors={}, result=result, key=key)

    async def check(self, request: Request) -> Response:
        """The question box; posted, the answer as ``vplan check`` gives it."""
        if request.method == "GET":
            return self.page("check.html.j2", values={}, errors={})
        values, _ = await _form(request)
        try:
            asked = await run_in_threadpool(made.ask, values, self.settings)
        except made.Problems as problems:
            return self.page("check.html.j2", status=422, values=values, errors=problems.by_field)
        from vplan.render import text

        lang = values.get("lang", ENGLISH)
        lines = text.verdicts(asked.answers, lang) if asked.answers else text.rules(asked.rules)
        return self.page("check.html.j2", values=values, errors={}, lines=lines, asked=asked)

    async def signs(self, request: Request) -> Response:
        """The warning signs, as ``vplan red-flags`` lists them."""
        lang = request.query_params.get("lang", ENGLISH)
        if lang not in LANGUAGES:
            lang = ENGLISH
        try:
            listing = await run_in_threadpool(made.warning_signs, self.settings, lang)
        except made.Problems as problems:
            return self.page("signs.html.j2", status=422, errors=problems.by_field, lang=lang)
        return self.page("signs.html.j2", listing=listing, lang=lang, errors={})

    async def static(self, request: Request) -> Response:
        """The page's style sheet and fonts, from the package: nothing from elsewhere."""
        found = STATIC_FILES.get(request.path_params["name"])
        if found is None:
            return Response("Not found.\n", status_code=404, media_type="text/plain")
        path, media = found
        return Response(path.read_bytes(), media_type=media)


async def _form(request: Request) -> tuple[dict[str, str], dict[str, made.Upload]]:
    """A posted form's fields and files, all in memory."""
    values: dict[str, str] = {}
    files: dict[str, made.Upload] = {}
    async with request.form(max_files=2, max_fields=64, max_part_size=MAX_BODY) as form:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                data = await value.read()
                if data:
                    files[name] = made.Upload(value.filename or name, data)
            else:
                values.setdefault(name, value)
    return values, files


def make_app(
    settings: made.Settings, *, port: int, token: str, idle: Idle | None = None
) -> ASGIApp:
    """The page's application, behind its guard."""
    # A file sent with a form stays in memory, never spooled to a temporary file on disk.
    MultiPartParser.spool_max_size = MAX_BODY
    site = Site(settings)
    app = Starlette(routes=site.routes())

    async def failed(request: Request, exc: Exception) -> Response:
        # Never the exception's words: they could hold what the nurse typed.
        return site.page("failed.html.j2", status=500, what=type(exc).__name__)

    app.add_exception_handler(Exception, failed)
    return Guard(app, port=port, token=token, idle=idle)
