"""``vplan serve``: the guard on every request, and the page's outputs against the command line's."""

from __future__ import annotations

import base64
import json
import logging
import re
import shutil
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from starlette.testclient import TestClient

from conftest import ANN_HANDOUT, Run, modules_loaded
from vplan import formats
from vplan.delivery import Journal
from vplan.documents import Rendered, Subject
from vplan.formats import Command, Medium, OutputFormat
from vplan.serve.guard import cookie_name
from vplan.serve.made import Settings
from vplan.serve.pages import make_app
from vplan.stamp import Stamp

PORT = 8765
TOKEN = "a-token-for-the-tests"
HOME = f"http://127.0.0.1:{PORT}"
OURS = {"origin": HOME}
EPOCH = "1740787200"  # 2025-03-01 00:00 UTC: the stamp of the outputs compared
ANN = {"patient": "Ann Lee", "procedure_date": "2025-03-01", "phone": "555-0100"}
PAGES = ("/", "/list", "/check", "/signs")


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The page, its cookie already given, with outputs stamped as in the command line's tests."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    app = make_app(Settings(), port=PORT, token=TOKEN)
    with TestClient(app, base_url=HOME, follow_redirects=False) as tried:
        tried.cookies.set(cookie_name(PORT), TOKEN)
        yield tried


@pytest.fixture
def stranger() -> TestClient:
    """A browser that has not opened the page's first address: no cookie."""
    app = make_app(Settings(), port=PORT, token=TOKEN)
    return TestClient(app, base_url=HOME, follow_redirects=False)


def _errors(page: str) -> dict[str, str]:
    """The problems shown beside each field, by the field's name."""
    found = re.findall(r'<div class="error" id="([a-z_]+)-error">(.*?)</div>', page, re.DOTALL)
    return {
        name: re.sub(r"<[^>]+>", " ", text).replace("&#39;", "'").strip() for name, text in found
    }


def _kept(page: str, how: str = "save") -> str:
    """The address of the document the page made, as its link names it."""
    found = re.search(rf'href="(/made/[A-Za-z0-9_-]+)\?{how}"', page)
    assert found is not None, page
    return found.group(1) + f"?{how}"


def _joined(lines: list[str]) -> list[str]:
    """The text output's entries: a tier's heading, or a sign with its wrapped lines joined."""
    entries: list[str] = []
    for line in lines:
        if line.startswith("    ") and entries:
            entries[-1] += " " + line.strip()
        else:
            entries.append(line.strip().removeprefix("- "))
    return entries


def _shown(text: str) -> str:
    return (
        text.replace("&#39;", "'").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    )


def test_the_first_address_trades_its_token_for_a_strict_cookie(stranger: TestClient) -> None:
    """The right token sets an HttpOnly, SameSite=Strict cookie and sends on to an address without it."""
    answer = stranger.get(f"/?token={TOKEN}")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{cookie_name(PORT)}={TOKEN};")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert stranger.get("/").status_code == 200  # the cookie now opens the page


@pytest.mark.parametrize("token", ["wrong", TOKEN[:-1], "", TOKEN + "x"])
def test_a_wrong_token_is_refused_and_gives_no_cookie(stranger: TestClient, token: str) -> None:
    """An address with any other token is refused, with no cookie."""
    answer = stranger.get(f"/?token={token}")
    assert answer.status_code == 403
    assert "set-cookie" not in answer.headers
    assert "token is wrong" in answer.text


@pytest.mark.parametrize("path", [*PAGES, "/static/serve.css", "/made/anything"])
def test_without_the_cookie_every_address_is_refused(stranger: TestClient, path: str) -> None:
    """A browser that never opened the first address gets nothing, not even the style sheet."""
    answer = stranger.get(path)
    assert answer.status_code == 403
    assert "Open the address 'vplan serve' printed" in answer.text


def test_a_wrong_cookie_is_refused(stranger: TestClient) -> None:
    """A cookie with another value opens nothing."""
    stranger.cookies.set(cookie_name(PORT), "guessed")
    assert stranger.get("/").status_code == 403


@pytest.mark.parametrize(
    "host", ["evil.example", f"evil.example:{PORT}", "127.0.0.1:9999", f"192.168.1.5:{PORT}", ""]
)
def test_a_foreign_host_is_refused_even_with_the_cookie(client: TestClient, host: str) -> None:
    """A request naming another server (DNS rebinding) is refused though it carries the cookie."""
    answer = client.get("/", headers={"host": host})
    assert answer.status_code == 403
    assert f"http://127.0.0.1:{PORT}/" in answer.text


def test_localhost_is_this_server_too(client: TestClient) -> None:
    """The page answers to localhost on its port as well as to 127.0.0.1."""
    assert client.get("/", headers={"host": f"localhost:{PORT}"}).status_code == 200


@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", f"http://127.0.0.1:{PORT + 1}", "null", f"https://127.0.0.1:{PORT}"],
)
def test_a_form_from_another_site_is_refused(client: TestClient, origin: str) -> None:
    """A form posted by another web page (a foreign Origin) is refused, cookie or not."""
    answer = client.post("/check", data={"question": "walking"}, headers={"origin": origin})
    assert answer.status_code == 403
    assert "another site" in answer.text


def test_a_form_without_an_origin_is_refused(client: TestClient) -> None:
    """A post that does not say where it comes from is refused."""
    assert client.post("/check", data={"question": "walking"}).status_code == 403


def test_a_cross_site_fetch_is_refused(client: TestClient) -> None:
    """The browser's Sec-Fetch-Site: cross-site is refused, even for a plain GET."""
    assert client.get("/signs", headers={"sec-fetch-site": "cross-site"}).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_private_strict_and_self_contained(client: TestClient, path: str) -> None:
    """No caching, a strict policy (nothing from elsewhere, no inline script), and only local links."""
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "http" not in policy
    assert "frame-ancestors 'none'" in policy
    assert not re.search(r'(src|href|action)="(?!/|#)', answer.text), "an address off this page"
    assert "<script>" not in answer.text
    assert "style=" not in answer.text


def test_the_preview_is_the_command_lines_web_page(
    client: TestClient, run: Run, tmp_path: Path
) -> None:
    """The preview is the HTML handout vplan writes, byte for byte, its style allowed by digest only."""
    page = client.post("/", data={**ANN, "do": "preview"}, headers=OURS)
    assert page.status_code == 200
    found = re.search(r'<iframe id="preview" src="(/made/[^"]+)"', page.text)
    assert found is not None
    preview = client.get(found.group(1))
    out = tmp_path / "ann.html"
    assert run(*ANN_HANDOUT, "-o", str(out)).code == 0
    assert preview.content == out.read_bytes()
    policy = preview.headers["content-security-policy"]
    assert "style-src 'sha256-" in policy
    assert "script-src" not in policy  # default-src 'none': no script at all
    assert "frame-ancestors 'self'" in policy


@pytest.mark.parametrize(
    ("action", "suffix", "extra"),
    [
        ("pdf", "pdf", {}),
        ("print", "pdf", {}),
        ("ics", "ics", {}),
        ("pdf", "pdf", {"lang": "es", "paper": "a4", "large_print": "yes", "levels": "T12, L1",
                        "clinic": "St. Mary's", "doctor": "Dr. Ó Sé",
                        "follow_up": "2025-03-10 2:30 PM", "follow_up_place": "Room 4"}),
    ],
)  # fmt: skip
def test_a_saved_file_is_the_command_lines_byte_for_byte(
    client: TestClient, run: Run, tmp_path: Path, action: str, suffix: str, extra: dict[str, str]
) -> None:
    """The PDF and the phone calendar saved from the page are the command line's, and so is the note."""
    page = client.post("/", data={**ANN, **extra, "do": action}, headers=OURS)
    assert page.status_code == 200, _errors(page.text)
    saved = client.get(_kept(page.text))
    assert saved.headers["content-disposition"] == f'attachment; filename="ann-lee.{suffix}"'
    out = tmp_path / f"ann.{suffix}"
    options = {"lang": "--lang", "paper": "--paper", "levels": "--levels", "clinic": "--clinic",
               "doctor": "--doctor", "follow_up": "--follow-up", "follow_up_place": "--follow-up-place"}  # fmt: skip
    args = [arg for key, value in extra.items() if key in options for arg in (options[key], value)]
    args += ["--large-print"] if extra.get("large_print") else []
    done = run(*ANN_HANDOUT, *args, "-o", str(out))
    assert done.code == 0, done.err
    assert saved.content == out.read_bytes()
    note = re.search(r'id="chart-note">(.*?)</p>', page.text)
    assert note is not None
    assert _shown(note.group(1)) == done.out.splitlines()[1]


@pytest.mark.parametrize(
    ("field", "value", "option"),
    [
        ("procedure_date", "2025-02-30", None),
        ("procedure_date", "03/01/2025", None),
        ("levels", "X9", "--levels"),
        ("follow_up", "2025-02-20 10:00", "--follow-up"),
        ("follow_up", "next week", "--follow-up"),
        ("patient", "A" * 81, "--patient"),
        ("phone", "555\x010100", "--phone"),
    ],
)
def test_a_problem_is_shown_beside_its_field_in_the_command_lines_words(
    client: TestClient, run: Run, tmp_path: Path, field: str, value: str, option: str | None
) -> None:
    """What the command line refuses, the page refuses beside the field, with the same sentence."""
    page = client.post("/", data={**ANN, field: value, "do": "pdf"}, headers=OURS)
    assert page.status_code == 422
    args = list(ANN_HANDOUT)
    if option is None:
        args[1] = value
    else:
        args += [option, value]
    done = run(*args, "-o", str(tmp_path / "ann.pdf"))
    assert done.code == 2
    said = done.err.removeprefix("vplan: error: ").strip()
    assert list(_errors(page.text)) == [field]
    assert _errors(page.text)[field] == said.replace("\\x01", "\\x01")
    assert not (tmp_path / "ann.pdf").exists()


def test_every_field_of_a_wrong_form_is_named_at_once(client: TestClient) -> None:
    """Several mistakes are each shown beside their own field, not one at a time."""
    page = client.post(
        "/", data={"patient": "", "procedure_date": "2025-13-01", "levels": "Q1", "do": "preview"},
        headers=OURS,
    )  # fmt: skip
    assert set(_errors(page.text)) == {"patient", "procedure_date", "levels"}


def test_a_handout_without_a_phone_is_refused_beside_the_phone(client: TestClient) -> None:
    """The phone number every handout needs is asked for beside the phone field."""
    page = client.post("/", data={**ANN, "phone": "", "do": "pdf"}, headers=OURS)
    assert page.status_code == 422
    assert _errors(page.text)["phone"].startswith("the handout has no phone number")


def test_an_orders_file_is_read_from_memory_and_named_as_sent(
    client: TestClient, tmp_path: Path
) -> None:
    """A wrong orders file is refused beside its field, named as the nurse's computer named it."""
    page = client.post(
        "/", data={**ANN, "do": "preview"}, headers=OURS,
        files={"orders": ("ann-orders.yaml", b"limits: [1, 2\n", "application/yaml")},
    )  # fmt: skip
    assert page.status_code == 422
    said = _errors(page.text)["orders"]
    assert "ann-orders.yaml" in said
    assert "/proc/" not in said


@pytest.mark.parametrize(
    ("question", "options"),
    [
        ("lifting 15lb", {"procedure_date": "2025-03-01", "on": "2025-03-11"}),
        ("lifting 8lb", {"procedure_date": "2025-03-01", "on": "2025-03-11"}),
        ("walking", {"procedure_date": "2025-03-01", "on": "2025-03-01"}),
        ("driving", {"procedure_date": "2025-03-01", "on": "2025-03-11"}),
        ("lifting", {}),
        ("bath", {"procedure_date": "2025-03-01", "lang": "es"}),
    ],
)
def test_the_question_box_answers_as_check_does(
    client: TestClient, run: Run, question: str, options: dict[str, str]
) -> None:
    """The answer's lines are check's, word for word, with each of the four verdicts."""
    page = client.post("/check", data={"question": question, **options}, headers=OURS)
    assert page.status_code == 200, _errors(page.text)
    lines = [
        _shown(t).replace("\u00a0", "")
        for t in re.findall(r'<p class="line [a-z]*">(.*?)</p>', page.text)
    ]
    flags = {"procedure_date": "-p", "on": "--on", "lang": "--lang"}
    args = [arg for key, value in options.items() for arg in (flags[key], value)]
    done = run("check", *question.split(), *args)
    assert lines == done.out.splitlines()


@pytest.mark.parametrize(
    ("question", "field"),
    [("", "question"), ("15lb", "question"), ("juggling", "question"), ("walking 5kg", "question")],
)
def test_a_question_check_refuses_is_refused_beside_the_box(
    client: TestClient, run: Run, question: str, field: str
) -> None:
    """A question check refuses shows check's own sentence beside the question."""
    page = client.post(
        "/check", data={"question": question, "procedure_date": "2025-03-01"}, headers=OURS
    )
    assert page.status_code == 422
    assert list(_errors(page.text)) == [field]
    if question:
        done = run("check", *question.split(), "-p", "2025-03-01")
        assert _errors(page.text)[field] == done.err.removeprefix("vplan: error: ").strip()


def test_the_warning_signs_page_lists_what_red_flags_prints(client: TestClient, run: Run) -> None:
    """Every warning sign and tier heading of 'vplan red-flags' is on the signs page."""
    page = _shown(client.get("/signs").text)
    printed = run("red-flags").out
    listed = _joined(printed.splitlines()[1:])
    assert listed
    for text in listed:
        assert text in page


DAY = "name,procedure_date,phone\nAnn Lee,2025-03-01,555-0100\nBob Stone,2025-02-30,555-0100\nCy Moe,2025-03-03,555-0100\n"


def test_the_days_list_gives_the_combined_pdf_and_the_refused_rows(
    client: TestClient, run: Run, tmp_path: Path
) -> None:
    """The combined PDF is the command line's --combined, byte for byte; a refused row has its reason."""
    page = client.post(
        "/list",
        data={"lang": "en"},
        headers=OURS,
        files={"list": ("day.csv", DAY.encode(), "text/csv")},
    )
    assert page.status_code == 200, _errors(page.text)
    combined = client.get(_kept(page.text)).content
    listed = tmp_path / "day.csv"
    listed.write_text(DAY, encoding="utf-8")
    done = run("handout", "--batch", str(listed), "--combined", str(tmp_path / "day.pdf"))
    assert done.code == 5
    assert combined == (tmp_path / "day.pdf").read_bytes()
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td></tr>", page.text)
    said = [line.split(": refused: ", 1)[1] for line in done.err.splitlines() if "refused" in line]
    assert [(line, _shown(why)) for line, why in rows] == [("3", said[0])]
    assert (
        "Line 2, Ann Lee: " + _shown(re.findall(r"<td>Ann Lee</td><td>([^<]*)</td>", page.text)[0])
        in done.out
    )


def test_a_list_without_a_name_column_is_refused_beside_the_upload(client: TestClient) -> None:
    """A list the command line refuses whole is refused beside the file field, named as sent."""
    page = client.post(
        "/list",
        headers=OURS,
        files={"list": ("monday.csv", b"who,when\nAnn,2025-03-01\n", "text/csv")},
    )
    assert page.status_code == 422
    said = _errors(page.text)["list"]
    assert "monday.csv" in said
    assert "/proc/" not in said


def test_no_patient_name_reaches_a_log_line(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Making, refusing and failing log nothing that holds the patient's name."""
    caplog.set_level(logging.DEBUG)
    client.post("/", data={**ANN, "do": "pdf"}, headers=OURS)
    client.post("/", data={**ANN, "levels": "Ann Lee", "do": "pdf"}, headers=OURS)
    client.post("/list", headers=OURS, files={"list": ("d.csv", DAY.encode(), "text/csv")})
    assert all("Ann Lee" not in record.getMessage() for record in caplog.records)


def test_a_non_loopback_bind_is_refused_in_one_line(run: Run) -> None:
    """--host 0.0.0.0 (or any other address) is refused with exit 2 and one line, before listening."""
    for host in ("0.0.0.0", "192.168.1.5", "::", "example.org"):
        done = run("serve", "--no-browser", "--host", host)
        assert done.code == 2
        assert done.err.count("\n") == 1
        assert f"--host {host} is refused" in done.err


def test_check_and_schedule_never_import_the_web_server(tmp_path: Path) -> None:
    """Starlette, uvicorn and the form parser load for 'serve' only."""
    web = (
        "starlette",
        "uvicorn",
        "multipart",
        "python_multipart",
        "anyio",
        "httpx2",
        "vplan.serve",
    )
    runs = [
        ("schedule", "2025-03-01"),
        ("check", "lifting", "15lb", "-p", "2025-03-01", "--day", "10"),
    ]
    assert modules_loaded(tmp_path, web, *runs) == []


def test_the_server_prints_its_address_answers_and_stops_when_idle(tmp_path: Path) -> None:
    """--no-browser prints the address; the page answers there; it stops alone, naming no patient."""
    process = subprocess.Popen(
        [sys.executable, "-m", "vplan", "serve", "--no-browser", "--idle-minutes", "0.05"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", first)
        assert found is not None, first
        port = int(found.group(1))
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}") as browser:
            opened = browser.get(f"/?token={found.group(2)}")
            assert opened.status_code == 303
            browser.cookies.set(cookie_name(port), found.group(2))
            made = browser.post(
                "/", data={**ANN, "do": "preview"}, headers={"origin": f"http://127.0.0.1:{port}"}
            )
            assert made.status_code == 200
            assert browser.get("/", headers={"host": "evil.example"}).status_code == 403
        started = time.monotonic()
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert time.monotonic() - started < 30
    assert "stopped after the idle time" in out
    assert "Ann Lee" not in out + err
    assert "token" not in err


ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = next(
    (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
)
NODE = shutil.which("node")
MODULES = ROOT / "node_modules"


@pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install chromium)"
)
@pytest.mark.skipif(
    NODE is None, reason="node is not installed (Debian: apt-get install nodejs npm)"
)
@pytest.mark.skipif(
    not (MODULES / "axe-core").is_dir() or not (MODULES / "puppeteer-core").is_dir(),
    reason="axe-core and puppeteer-core are not installed: run 'npm ci' (.ci/run does)",
)
def test_a_nurse_drives_the_page_in_chromium(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In Chromium: fill, preview, save the PDF (the CLI's bytes), a list, a question; axe on each page."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # the page and the command line alike
    process = subprocess.Popen(
        [sys.executable, "-m", "vplan", "serve", "--no-browser", "--idle-minutes", "5"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    day = tmp_path / "day.csv"
    day.write_text(DAY, encoding="utf-8")
    orders = tmp_path / "ann-orders.yaml"
    orders.write_bytes(STRICTER_ORDERS)
    try:
        assert process.stdout is not None
        found = re.search(r"http://\S+", process.stdout.readline())
        assert found is not None
        assert CHROMIUM is not None
        assert NODE is not None
        done = subprocess.run(
            [NODE, str(ROOT / "tests" / "axe" / "serve.mjs"), CHROMIUM, found.group(0), str(day),
             str(orders)],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert "token" not in report["landed"]  # the key left the address once traded
    assert report["blocked"] == []  # nothing refused by the policy, nothing from elsewhere
    assert set(report["audits"]) == {
        "handout form", "handout preview", "handout saved", "handout with problems",
        "day's list form", "day's list made", "question box", "question answered", "warning signs",
        "teach-back", "teach-back recorded", "orders kept",
    }  # fmt: skip
    for page, violations in report["audits"].items():
        assert violations == [], page
    assert sorted(report["page_fonts"]) == ["Vplan Sans bold", "Vplan Sans normal"]
    assert sorted(report["preview_fonts"]) == ["Vplan Sans bold", "Vplan Sans normal"]

    cli = run(*ANN_HANDOUT, "-o", str(tmp_path / "ann.pdf"))
    assert base64.b64decode(report["pdf"]) == (tmp_path / "ann.pdf").read_bytes()
    assert report["chart_note"] == cli.out.splitlines()[1]
    fhir = run(*ANN_HANDOUT, "--mrn", "0012345", "-o", str(tmp_path / "ann.fhir.json"))
    assert fhir.code == 0, fhir.err
    assert base64.b64decode(report["fhir"]) == (tmp_path / "ann.fhir.json").read_bytes()
    asked = run("teach-back", "2025-03-01", "--phone", "555-0100", "--taught", "1,2")
    assert report["teach_note"] == asked.out.splitlines()[-1]
    assert len(report["questions"]) >= 4
    assert "ann-orders.yaml" in report["orders_kept"]
    assert dict(report["errors"]) == {
        "procedure_date-error": "give the procedure date",
        "levels-error": "'X9' is not a vertebral level; write levels such as 'T12, L1' "
        "(C1-C7, T1-T12, L1-L5, S1-S5), separated by commas",
    }
    listed = run("handout", "--batch", str(day), "--combined", str(tmp_path / "day.pdf"))
    assert base64.b64decode(report["combined"]) == (tmp_path / "day.pdf").read_bytes()
    assert [row[0] for row in report["refused"]] == ["3"]
    assert report["refused"][0][1] in listed.err
    checked = run("check", "lifting", "15lb", "-p", "2025-03-01", "--on", "2025-03-11")
    assert report["answer"] == checked.out.splitlines()
    assert "Ann Lee" not in err


KEY = "a clinic secret of more than sixteen bytes"


def _entries(journal: Path) -> list[dict[str, object]]:
    """The journal's entries, less when each line was added and its seal (the clock's, the chain's)."""
    lines = journal.read_text(encoding="utf-8").splitlines() if journal.exists() else []
    return [
        {
            key: value
            for key, value in json.loads(line).items()
            if key not in ("when", "prev", "mac")
        }
        for line in lines
    ]


def test_a_saved_file_is_recorded_as_the_command_line_records_it(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file saved and the day's combined PDF get the command line's journal entries; a preview none."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("VPLAN_RECORD_KEY", KEY)
    paged, typed = tmp_path / "page.jsonl", tmp_path / "cli.jsonl"
    app = make_app(Settings(journal=Journal(paged)), port=PORT, token=TOKEN)
    with TestClient(app, base_url=HOME, follow_redirects=False) as page:
        page.cookies.set(cookie_name(PORT), TOKEN)
        page.post("/", data={**ANN, "do": "preview"}, headers=OURS)
        assert _entries(paged) == []
        saved = page.post("/", data={**ANN, "do": "pdf"}, headers=OURS)
        pdf = page.get(_kept(saved.text)).content
        page.post("/", data={**ANN, "do": "ics"}, headers=OURS)
        made = page.post("/list", headers=OURS, files={"list": ("d.csv", DAY.encode(), "text/csv")})
        combined = page.get(_kept(made.text)).content
    day = tmp_path / "day.csv"
    day.write_text(DAY, encoding="utf-8")
    assert run(*ANN_HANDOUT, "-o", str(tmp_path / "ann.pdf"), "--record", str(typed)).code == 0
    assert run(*ANN_HANDOUT, "-o", str(tmp_path / "ann.ics"), "--record", str(typed)).code == 0
    listed = run("handout", "--batch", str(day), "--combined", str(tmp_path / "day.pdf"),
                 "--record", str(typed))  # fmt: skip
    assert listed.code == 5
    assert [entry["format"] for entry in _entries(paged)] == ["pdf", "ics", "pdf", "pdf", "pdf"]
    assert _entries(paged)[-1]["combined"] == 2
    assert _entries(paged) == _entries(typed)
    for name, data in (("saved.pdf", pdf), ("day.pdf", combined)):
        (tmp_path / name).write_bytes(data)
        assert run("record", "verify", str(tmp_path / name), "--record", str(paged)).code == 0
    assert run("record", "check", "--record", str(paged)).code == 0


def _memo_file(subject: Subject, stamp: Stamp) -> Rendered:
    """A one-line memo: the patient, the procedure date and the rules it came from."""
    line = f"{subject.name}|{subject.plan.procedure_date.isoformat()}|{stamp.rules_short}\n"
    return Rendered(line.encode("utf-8"))


def test_a_handout_format_added_to_the_table_gets_a_button_and_is_recorded(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A format registered for handouts has its save button; its file, type and entry are the CLI's."""
    module = types.ModuleType("memo_renderer")
    module.memo_file = _memo_file  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "memo_renderer", module)
    memo = OutputFormat(
        "memo", (".memo",), Medium.FILE, "memo", "Recovery memo given", "memo_renderer:memo_file",
        frozenset({Command.HANDOUT}), wrote="{label}", media="text/x-memo; charset=utf-8",
    )  # fmt: skip
    monkeypatch.setattr(formats, "FORMATS", dict(formats.FORMATS))
    formats.register(memo)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("VPLAN_RECORD_KEY", KEY)
    paged, typed = tmp_path / "page.jsonl", tmp_path / "cli.jsonl"
    app = make_app(Settings(journal=Journal(paged)), port=PORT, token=TOKEN)
    with TestClient(app, base_url=HOME, follow_redirects=False) as page:
        page.cookies.set(cookie_name(PORT), TOKEN)
        assert '<button type="submit" name="do" value="memo">Save the memo</button>' in (
            page.get("/").text
        )
        made = page.post("/", data={**ANN, "do": "memo"}, headers=OURS)
        assert made.status_code == 200, _errors(made.text)
        saved = page.get(_kept(made.text))
    out = tmp_path / "ann.memo"
    done = run(*ANN_HANDOUT, "-o", str(out), "--record", str(typed))
    assert done.code == 0, done.err
    assert saved.content == out.read_bytes()
    assert saved.headers["content-type"] == "text/x-memo; charset=utf-8"
    assert saved.headers["content-disposition"] == 'attachment; filename="ann-lee.memo"'
    note = re.search(r'id="chart-note">(.*?)</p>', made.text)
    assert note is not None
    assert _shown(note.group(1)) == done.out.splitlines()[1]
    assert _shown(note.group(1)).startswith("Recovery memo given")
    assert _entries(paged) == _entries(typed)


def test_an_uploaded_list_is_never_spooled_to_disk() -> None:
    """A form's file up to the largest body the page takes stays in memory, not a temporary file."""
    from starlette.formparsers import MultiPartParser

    from vplan.daylist import MAX_LIST_BYTES
    from vplan.serve.guard import MAX_BODY

    make_app(Settings(), port=PORT, token=TOKEN)
    assert MAX_BODY > MAX_LIST_BYTES
    assert MultiPartParser.spool_max_size >= MAX_BODY


def test_a_body_larger_than_any_list_is_refused(client: TestClient) -> None:
    """A form larger than the page takes is refused before it is read."""
    from vplan.serve.guard import MAX_BODY

    answer = client.post(
        "/list", headers={**OURS, "content-length": str(MAX_BODY + 1)}, content=b""
    )
    assert answer.status_code == 413


def test_a_day_to_check_without_a_procedure_date_is_refused_beside_it(
    client: TestClient, run: Run
) -> None:
    """The day to check counts from the procedure date: asked alone, check's own sentence says so."""
    page = client.post("/check", data={"question": "walking", "on": "2025-03-05"}, headers=OURS)
    assert page.status_code == 422
    done = run("check", "walking", "--on", "2025-03-05")
    assert done.code == 2
    assert _errors(page.text) == {"on": done.err.removeprefix("vplan: error: ").strip()}


def test_a_row_naming_an_orders_file_is_refused_and_no_file_is_opened(client: TestClient) -> None:
    """A row naming an orders file (even '3', an open file of the server) is refused; others made."""
    listed = "name,procedure_date,phone,orders\nAnn Lee,2025-03-01,555-0100,3\nCy Moe,2025-03-03,555-0100,\n"
    page = client.post(
        "/list", headers=OURS, files={"list": ("d.csv", listed.encode(), "text/csv")}
    )
    assert page.status_code == 200
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td></tr>", page.text)
    said = "the row names an orders file (3); this page reads only the list sent, so make this row with 'vplan handout --batch'"
    assert [(line, _shown(why)) for line, why in rows] == [("2", said)]
    assert "Made 1 handout, refused 1 row" in page.text


@pytest.mark.parametrize(
    ("action", "suffix", "extra"),
    [
        ("fhir", "fhir.json", {"mrn": "0012345"}),
        ("fhir", "fhir.json", {"mrn": "0012345", "encounter": "V-77", "lang": "es"}),
        ("hl7", "hl7", {"mrn": "0012345"}),
        ("hl7", "hl7", {"mrn": "MRN/9", "encounter": "V-77", "follow_up": "2025-03-10 14:30"}),
    ],
)  # fmt: skip
def test_a_file_for_the_record_system_is_the_command_lines_and_recorded(
    run: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    action: str,
    suffix: str,
    extra: dict[str, str],
) -> None:
    """FHIR and HL7 saved with the MRN are the bytes, chart note and journal entry of --mrn."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("VPLAN_RECORD_KEY", KEY)
    paged, typed = tmp_path / "page.jsonl", tmp_path / "cli.jsonl"
    app = make_app(Settings(journal=Journal(paged)), port=PORT, token=TOKEN)
    with TestClient(app, base_url=HOME, follow_redirects=False) as page:
        page.cookies.set(cookie_name(PORT), TOKEN)
        made = page.post("/", data={**ANN, **extra, "do": action}, headers=OURS)
        assert made.status_code == 200, _errors(made.text)
        saved = page.get(_kept(made.text))
    assert saved.headers["content-disposition"] == f'attachment; filename="ann-lee.{suffix}"'
    options = {"mrn": "--mrn", "encounter": "--encounter", "lang": "--lang",
               "follow_up": "--follow-up"}  # fmt: skip
    args = [arg for key, value in extra.items() for arg in (options[key], value)]
    out = tmp_path / f"ann.{suffix}"
    done = run(*ANN_HANDOUT, *args, "-o", str(out), "--record", str(typed))
    assert done.code == 0, done.err
    assert saved.content == out.read_bytes()
    note = re.search(r'id="chart-note">(.*?)</p>', made.text)
    assert note is not None
    assert _shown(note.group(1)) == done.out.splitlines()[1]
    assert [entry["format"] for entry in _entries(paged)] == [action]
    assert _entries(paged) == _entries(typed)


@pytest.mark.parametrize("action", ["fhir", "hl7"])
def test_a_file_for_the_record_system_without_an_mrn_is_refused_beside_it(
    client: TestClient, run: Run, tmp_path: Path, action: str
) -> None:
    """Without an MRN, FHIR and HL7 are refused beside the MRN field, as the CLI refuses them."""
    page = client.post("/", data={**ANN, "do": action}, headers=OURS)
    assert page.status_code == 422
    assert "/made/" not in page.text  # no file offered
    suffix = "fhir.json" if action == "fhir" else "hl7"
    done = run(*ANN_HANDOUT, "-o", str(tmp_path / f"ann.{suffix}"))
    assert done.code == 2
    assert _errors(page.text) == {"mrn": _shown(done.err.removeprefix("vplan: error: ").strip())}


@pytest.mark.parametrize(
    ("field", "value", "option"),
    [("mrn", "00 12", "--mrn"), ("mrn", "x" * 65, "--mrn"), ("encounter", "V;1", "--encounter")],
)
def test_a_wrong_mrn_or_visit_number_is_refused_in_the_command_lines_words(
    client: TestClient, run: Run, tmp_path: Path, field: str, value: str, option: str
) -> None:
    """A malformed MRN or visit number is shown beside its field in the CLI's sentence."""
    page = client.post("/", data={**ANN, "mrn": "0012345", field: value, "do": "fhir"},
                       headers=OURS)  # fmt: skip
    assert page.status_code == 422
    done = run(*ANN_HANDOUT, "--mrn", "0012345", option, value, "-o",
               str(tmp_path / "ann.fhir.json"))  # fmt: skip
    assert done.code == 2
    assert _errors(page.text) == {field: _shown(done.err.removeprefix("vplan: error: ").strip())}


def test_a_pdf_needs_no_mrn_and_is_the_same_with_one(client: TestClient) -> None:
    """The MRN and visit number change nothing in the PDF: the handout never names them."""
    plain = client.post("/", data={**ANN, "do": "pdf"}, headers=OURS)
    charted = client.post("/", data={**ANN, "mrn": "0012345", "encounter": "V-7", "do": "pdf"},
                          headers=OURS)  # fmt: skip
    assert charted.status_code == 200, _errors(charted.text)
    assert client.get(_kept(plain.text)).content == client.get(_kept(charted.text)).content


TEACH_DAY = "2025-03-11"  # day 10 of ANN's plan: limits in force, the visit ahead


def _flat(text: str) -> str:
    """Text with its tags dropped and its runs of white space made one space."""
    return " ".join(_shown(re.sub(r"<[^>]+>", " ", text)).split())


def _questions(page: str) -> list[tuple[str, str]]:
    """The teach-back's questions on the page, each with its expected answer."""
    asked = re.findall(r'id="question-\d+"><strong>(.*?)</strong>', page, re.DOTALL)
    expected = re.findall(r'id="answer-\d+">(.*?)</p>', page, re.DOTALL)
    assert len(asked) == len(expected)
    return [(_flat(q), _flat(a)) for q, a in zip(asked, expected, strict=True)]


def _digest(page: str) -> str:
    """The digest of the teach-back questions the page showed, which the form sends back."""
    found = re.search(r'name="teach_digest" value="([0-9a-f]+)"', page)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_teach_back_shows_what_teach_back_prints(
    client: TestClient, run: Run, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """The Teach-back button shows each question and expected answer vplan teach-back prints."""
    monkeypatch.setenv("VPLAN_TODAY", TEACH_DAY)
    page = client.post("/", data={**ANN, "lang": lang, "do": "teach"}, headers=OURS)
    assert page.status_code == 200, _errors(page.text)
    shown = _questions(page.text)
    done = run("teach-back", "2025-03-01", "--phone", "555-0100", "--lang", lang)
    assert done.code == 0, done.err
    printed = " ".join(done.out.split())
    assert len(shown) == printed.count("? ") >= 4
    at = 0
    for number, (question, answer) in enumerate(shown, start=1):
        at = printed.index(f"{number}. {question} {answer}", at)
    assert re.search(r'name="answered_\d+" type="checkbox"', page.text)


def test_the_teach_back_without_a_number_to_call_is_refused_beside_the_phone(
    client: TestClient, run: Run
) -> None:
    """With no phone on the form or in the rules, the teach-back asks for one as the CLI does."""
    page = client.post("/", data={**ANN, "phone": "", "do": "teach"}, headers=OURS)
    assert page.status_code == 422
    done = run("teach-back", "2025-03-01")
    assert done.code == 2
    assert _errors(page.text) == {"phone": _shown(done.err.removeprefix("vplan: error: ").strip())}


@pytest.mark.parametrize("ticked", [(1, 2, 4), (), (1, 2, 3, 4, 5, 6)])
def test_the_answers_ticked_are_noted_and_recorded_as_taught_does(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ticked: tuple[int, ...]
) -> None:
    """Recording the ticks gives the chart note and journal entry of teach-back --taught --record."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("VPLAN_RECORD_KEY", KEY)
    monkeypatch.setenv("VPLAN_TODAY", TEACH_DAY)
    paged, typed = tmp_path / "page.jsonl", tmp_path / "cli.jsonl"
    app = make_app(Settings(journal=Journal(paged)), port=PORT, token=TOKEN)
    ticks = {f"answered_{n}": "yes" for n in ticked}
    with TestClient(app, base_url=HOME, follow_redirects=False) as page:
        page.cookies.set(cookie_name(PORT), TOKEN)
        shown = page.post("/", data={**ANN, "do": "teach"}, headers=OURS)
        assert _entries(paged) == []  # shown, not yet recorded
        ticks["teach_digest"] = _digest(shown.text)
        made = page.post("/", data={**ANN, **ticks, "do": "taught"}, headers=OURS)
    assert made.status_code == 200, _errors(made.text)
    taught = ",".join(str(n) for n in ticked) or "none"
    done = run("teach-back", "2025-03-01", "--patient", "Ann Lee", "--phone", "555-0100",
               "--taught", taught, "--record", str(typed))  # fmt: skip
    assert done.code == 0, done.err
    note = re.search(r'id="teach-note">(.*?)</p>', made.text)
    assert note is not None
    assert _shown(note.group(1)) == done.out.splitlines()[-1]
    assert [entry["format"] for entry in _entries(paged)] == ["teach-back"]
    assert _entries(paged) == _entries(typed)
    for n in ticked:  # the ticks stay as the nurse left them
        assert f'name="answered_{n}" type="checkbox" value="yes" form="handout-form" checked' in (
            made.text
        )
    assert "checked" not in shown.text.split('id="questions"')[1]


def test_a_file_saved_after_the_teach_back_carries_it_as_taught_does(
    client: TestClient, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once recorded, a FHIR file saved ends its chart note with the outcome, as --taught makes it."""
    monkeypatch.setenv("VPLAN_TODAY", TEACH_DAY)
    shown = client.post("/", data={**ANN, "do": "teach"}, headers=OURS)
    ticks = {"answered_1": "yes", "answered_3": "yes", "teach_digest": _digest(shown.text)}
    made = client.post("/", data={**ANN, **ticks, "do": "taught"}, headers=OURS)
    assert '<input type="hidden" name="taught" value="1,3">' in made.text
    carried = {"taught": "1,3", "teach_digest": _digest(made.text)}
    saved = client.post("/", data={**ANN, **carried, "mrn": "0012345", "do": "fhir"},
                        headers=OURS)  # fmt: skip
    assert saved.status_code == 200, _errors(saved.text)
    out = tmp_path / "ann.fhir.json"
    done = run(*ANN_HANDOUT, "--mrn", "0012345", "--taught", "1,3", "-o", str(out))
    assert done.code == 0, done.err
    assert client.get(_kept(saved.text)).content == out.read_bytes()
    note = re.search(r'id="chart-note">(.*?)</p>', saved.text)
    assert note is not None
    assert _shown(note.group(1)) == done.out.splitlines()[1]
    assert "Teach-back: 2 of 6 answered" in _shown(note.group(1))


@pytest.mark.parametrize("changed", [{}, {"teach_digest": "0" * 32}, {"lang": "es"},
                                     {"follow_up": "2025-03-20"}, {"patient": "Bea Cruz"}])  # fmt: skip
def test_answers_ticked_beside_other_questions_are_not_recorded(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changed: dict[str, str]
) -> None:
    """Ticks sent for questions other than those the form now makes are refused, and not recorded."""
    monkeypatch.setenv("VPLAN_RECORD_KEY", KEY)
    monkeypatch.setenv("VPLAN_TODAY", TEACH_DAY)
    paged = tmp_path / "page.jsonl"
    app = make_app(Settings(journal=Journal(paged)), port=PORT, token=TOKEN)
    with TestClient(app, base_url=HOME, follow_redirects=False) as page:
        page.cookies.set(cookie_name(PORT), TOKEN)
        shown = page.post("/", data={**ANN, "do": "teach"}, headers=OURS)
        sent = {**ANN, "answered_1": "yes", "teach_digest": _digest(shown.text), **changed}
        if not changed:
            del sent["teach_digest"]
        made = page.post("/", data={**sent, "do": "taught"}, headers=OURS)
    assert made.status_code == 422
    assert "not the teach-back questions shown" in _shown(made.text)
    assert 'id="teach-note"' not in made.text
    assert _entries(paged) == []


def test_a_file_saved_after_the_form_changed_does_not_carry_the_teach_back(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outcome recorded is not put in the note of a file whose questions differ from it."""
    monkeypatch.setenv("VPLAN_TODAY", TEACH_DAY)
    shown = client.post("/", data={**ANN, "do": "teach"}, headers=OURS)
    ticks = {"answered_1": "yes", "teach_digest": _digest(shown.text)}
    made = client.post("/", data={**ANN, **ticks, "do": "taught"}, headers=OURS)
    carried = {"taught": "1", "teach_digest": _digest(made.text)}
    saved = client.post("/", data={**ANN, **carried, "do": "pdf"}, headers=OURS)
    assert saved.status_code == 200, _errors(saved.text)
    for changed in ({"procedure_date": "2025-03-05"}, {"patient": "Bea Cruz"}):
        other = client.post("/", data={**ANN, **carried, **changed, "do": "pdf"}, headers=OURS)
        assert other.status_code == 422
        assert "the teach-back recorded was for other questions" in _shown(other.text)
        assert "/made/" not in other.text


STRICTER_ORDERS = b"""\
activities:
  lifting:
    limits:
      - until: 1 day
        text:
          en: "Today, do not lift or carry anything."
      - from: 1 day
        until: 3 months
        max: 5 lb
        text:
          en: "Do not lift more than 5 lb (2.2 kg) until your doctor says so."
"""


def _kept_orders(page: str) -> str:
    """The key by which the form names the orders file sent before."""
    found = re.search(r'name="orders_kept" value="([A-Za-z0-9_-]+)"', page)
    assert found is not None
    return found.group(1)


def test_an_orders_file_sent_once_is_used_by_the_next_button(
    client: TestClient, run: Run, tmp_path: Path
) -> None:
    """Orders sent with the preview make the PDF saved next (the file box is empty by then)."""
    sent = {"orders": ("ann-orders.yaml", STRICTER_ORDERS, "application/yaml")}
    shown = client.post("/", data={**ANN, "do": "preview"}, headers=OURS, files=sent)
    assert shown.status_code == 200, _errors(shown.text)
    assert "In use: the orders file ann-orders.yaml, sent before." in _shown(shown.text)
    saved = client.post("/", data={**ANN, "orders_kept": _kept_orders(shown.text), "do": "pdf"},
                        headers=OURS)  # fmt: skip
    assert saved.status_code == 200, _errors(saved.text)
    orders = tmp_path / "ann-orders.yaml"
    orders.write_bytes(STRICTER_ORDERS)
    out = tmp_path / "ann.pdf"
    done = run(*ANN_HANDOUT, "--orders", str(orders), "-o", str(out))
    assert done.code == 0, done.err
    assert client.get(_kept(saved.text)).content == out.read_bytes()
    assert _kept_orders(saved.text) == _kept_orders(shown.text)  # still in use


def test_an_orders_file_ticked_out_is_left_out(
    client: TestClient, run: Run, tmp_path: Path
) -> None:
    """Ticking "Leave this orders file out" makes the handout without the orders sent before."""
    sent = {"orders": ("ann-orders.yaml", STRICTER_ORDERS, "application/yaml")}
    shown = client.post("/", data={**ANN, "do": "preview"}, headers=OURS, files=sent)
    key = _kept_orders(shown.text)
    saved = client.post("/", data={**ANN, "orders_kept": key, "orders_drop": "yes", "do": "pdf"},
                        headers=OURS)  # fmt: skip
    assert saved.status_code == 200, _errors(saved.text)
    assert 'name="orders_kept"' not in saved.text
    out = tmp_path / "ann.pdf"
    assert run(*ANN_HANDOUT, "-o", str(out)).code == 0
    assert client.get(_kept(saved.text)).content == out.read_bytes()


def test_an_orders_file_no_longer_kept_is_asked_for_again(client: TestClient) -> None:
    """A form naming an orders file the page no longer holds is refused beside the orders field."""
    page = client.post("/", data={**ANN, "orders_kept": "gone", "do": "pdf"}, headers=OURS)
    assert page.status_code == 422
    assert _errors(page.text) == {"orders": "the orders file sent before is no longer kept here; "
                                            "choose it again"}  # fmt: skip
    assert "/made/" not in page.text


def test_the_teach_back_is_asked_and_recorded_from_the_orders_sent(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Questions shown with an orders file are recorded with it, though the file box is empty."""
    monkeypatch.setenv("VPLAN_TODAY", TEACH_DAY)
    sent = {"orders": ("ann-orders.yaml", STRICTER_ORDERS, "application/yaml")}
    shown = client.post("/", data={**ANN, "do": "teach"}, headers=OURS, files=sent)
    assert "Do not lift more than 5 lb (2.2 kg)" in _questions(shown.text)[0][1]
    ticks = {"answered_1": "yes", "teach_digest": _digest(shown.text),
             "orders_kept": _kept_orders(shown.text)}  # fmt: skip
    made = client.post("/", data={**ANN, **ticks, "do": "taught"}, headers=OURS)
    assert made.status_code == 200, _errors(made.text)
    assert ", orders " in _shown(made.text).split('id="teach-note">')[1]
