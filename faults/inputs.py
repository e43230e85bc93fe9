"""Bad files and bad inputs from the outside: each gets a clear refusal, never a server error,
and neither gunicorn's workers nor the Celery worker grows past 300 MB while they are handled.

Files, uploaded to the import page (导入方案) as the demo's coordinator:
- a small .docx of 1.2 M tiny paragraphs (a "zip bomb" of paragraphs);
- a 30 MB .txt (over IMPORT_MAX_UPLOAD_BYTES);
- a .docx whose one text node is 300 MB once inflated (small compressed);
- a .docx of 1,000 zip members (the limit is 200);
- a file named .docx that is not a zip at all;
- damaged .docx packages: a corrupt deflate stream in the body (zlib's error was a 500), a body
  its content types do not name, a relationship without a target;
- a 3 MB .docx of 1.1 M paragraphs and an 8 MB .txt of one long line: both over
  IMPORT_INLINE_MAX_BYTES, so the page may hand them to the background import job.
A file is refused correctly either with a 4xx page that says why, or, when the import flow hands
it to its background job, with a redirect to /plans/import/<id>/ whose page then shows the job
failed with a message.

Inputs: a NUL in an API search and in an HTML list's query, an id beyond bigint in an API filter
(the filter ignores an id it cannot read, so a 200 is right there too) and in a path, a page
number of 20 digits (API and page), NUL and control characters in a posted form field and in a
JSON body, a NUL in the login form.

Passing: every input answered as expected (no 5xx, no timeout), every job refusal seen, and the
highest RSS sampled (every 50 ms, /proc/<pid>/status) of any web or worker process under 300 MB.
Figures: each input's status (and for a job, its outcome), the highest RSS of web and worker,
their VmHWM at the end, seconds.
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from faults.model import Fault, Stack

NAME = "bad_inputs"
USERNAME = "hainan_coordinator"  # may import plans (demo data)
DEMO_PASSWORD = "ipplan-demo-2026"  # noqa: S105  # nosec B105 - the demo's published password (devdata/demo/people.py)
RSS_LIMIT_MB = 300
TIMEOUT = 60  # seconds a request may take: gunicorn's own limit is 30
JOB_TIMEOUT = 90  # seconds for a background import job to end
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
JOB_URL = re.compile(r"/plans/import/(\d+)/$")
TOKEN = re.compile(r"ipp_[0-9a-f]+_[A-Za-z0-9_-]+")
FORWARDED = {"X-Forwarded-Proto": "https"}  # production's cookies are Secure

_CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    b'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    b"</Relationships>"
)
_HEAD = (
    b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    b'wordprocessingml/2006/main"><w:body>'
)
_TAIL = b"</w:body></w:document>"


# --- the files --------------------------------------------------------------------------------


def _docx(path: Path, body: Callable[[Any], None], *, extra_members: int = 0) -> Path:
    """A minimal .docx whose document.xml `body` streams into: the file stays small."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _RELS)
        for index in range(extra_members):
            package.writestr(f"word/media/image{index}.png", b"png")
        with package.open("word/document.xml", "w", force_zip64=True) as out:
            out.write(_HEAD)
            body(out)
            out.write(_TAIL)
    return path


def paragraph_bomb(path: Path) -> Path:
    """1.2 M empty-run paragraphs: ~20 MB of XML (under the uncompressed limit) in a few KB."""
    chunk = b"<w:p><w:r/></w:p>" * 10_000
    return _docx(path, lambda out: [out.write(chunk) for _ in range(120)])


def large_paragraph_docx(path: Path) -> Path:
    """1.1 M paragraphs of random words: ~29 MB of XML, ~2.5 MB compressed (over the inline
    limit, under the upload and uncompressed limits): only the paragraph count refuses it."""

    def body(out: Any) -> None:
        for _ in range(110):
            words = secrets.token_hex(20_000).encode()  # 10,000 paragraphs of 4 characters
            out.write(
                b"".join(
                    b"<w:p><w:t>" + words[i : i + 4] + b"</w:t></w:p>"
                    for i in range(0, len(words), 4)
                )
            )

    return _docx(path, body)


def huge_text_node(path: Path) -> Path:
    """One paragraph whose text is 300 MB once inflated (about 300 KB compressed)."""
    block = b"a" * (1024 * 1024)

    def body(out: Any) -> None:
        out.write(b"<w:p><w:r><w:t>")
        for _ in range(300):
            out.write(block)
        out.write(b"</w:t></w:r></w:p>")

    return _docx(path, body)


def many_members(path: Path) -> Path:
    return _docx(
        path, lambda out: out.write(b"<w:p><w:r><w:t>1.x</w:t></w:r></w:p>"), extra_members=1000
    )


def _plan_paragraphs(out: Any) -> None:
    for number in range(1, 400):
        text = f"{number}.加强知识产权保护第{number}项工作。（牵头单位：省知识产权局）"
        out.write(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode())


def corrupt_deflate(path: Path) -> Path:
    """A .docx whose body's compressed data is damaged (zlib fails half-way through it)."""
    _docx(path, _plan_paragraphs)
    with zipfile.ZipFile(path) as package:
        info = package.getinfo("word/document.xml")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 200, start + 210):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def _repackaged(path: Path, member: str, old: bytes, new: bytes) -> Path:
    """The plan-like .docx with one member's text replaced."""
    source = _docx(path.with_suffix(".src"), _plan_paragraphs)
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(path, "w") as out:
        for info in package.infolist():
            data = package.read(info)
            out.writestr(info, data.replace(old, new) if info.filename == member else data)
    source.unlink()
    return path


def no_main_part(path: Path) -> Path:
    """A .docx whose content types do not name its body (python-docx: "not a Word file")."""
    return _repackaged(path, "[Content_Types].xml", b"/word/document.xml", b"/word/other.xml")


def relationship_without_target(path: Path) -> Path:
    """A .docx whose package relationship has no Target."""
    return _repackaged(path, "_rels/.rels", b'Target="word/document.xml"', b'Tarjet="x"')


def not_a_zip(path: Path) -> Path:
    path.write_bytes(b"This is plain text pretending to be Word.\n" * 200)
    return path


def big_text(path: Path) -> Path:
    """30 MB of plan-like lines (over IMPORT_MAX_UPLOAD_BYTES, 10 MB)."""
    line = "1.加强知识产权保护，完善快速协同保护体系。（牵头单位：省知识产权局）\n".encode()
    with path.open("wb") as out:
        for _ in range(30 * 1024 * 1024 // len(line) + 1):
            out.write(line)
    return path


def long_line_text(path: Path) -> Path:
    """8 MB in one line (over the inline limit, under the upload limit; the line limit is
    20,000 characters)."""
    path.write_bytes(b"x" * (8 * 1024 * 1024) + b"\n")
    return path


# --- memory -----------------------------------------------------------------------------------


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class MemoryWatch:
    """Samples the RSS of the web and worker processes every 50 ms while it runs."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.peak = {"web": 0, "worker": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.samples = 0

    def __enter__(self) -> MemoryWatch:
        self.at_start = self.rss_mb()
        self._thread.start()
        return self

    def rss_mb(self) -> dict[str, float]:
        """The largest RSS of the web and of the worker processes now."""
        return {
            kind: round(max([_status_kb(p, "VmRSS") for p in pids] or [0]) / 1024, 1)
            for kind, pids in (("web", self.stack.web_pids()), ("worker", self.stack.worker_pids()))
        }

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def _sample(self) -> None:
        pids = {"web": [], "worker": []}
        last_lookup = 0.0
        while not self._stop.is_set():
            if time.monotonic() - last_lookup > 1:  # a worker gunicorn restarted gets a new pid
                pids = {"web": self.stack.web_pids(), "worker": self.stack.worker_pids()}
                last_lookup = time.monotonic()
            for kind, found in pids.items():
                for pid in found:
                    self.peak[kind] = max(self.peak[kind], _status_kb(pid, "VmRSS"))
            self.samples += 1
            self._stop.wait(0.05)

    def high_water_mb(self) -> dict[str, float]:
        """VmHWM at the end: the processes' lifetime peaks (earlier scenarios included)."""
        return {
            kind: round(max([_status_kb(p, "VmHWM") for p in pids] or [0]) / 1024, 1)
            for kind, pids in (("web", self.stack.web_pids()), ("worker", self.stack.worker_pids()))
        }


# --- HTTP -------------------------------------------------------------------------------------


class _LoopbackJar(requests.cookies.RequestsCookieJar):
    """The stack speaks http on loopback while claiming https: keep the Secure cookies."""

    def set_cookie(self, cookie: Any, *args: Any, **kwargs: Any) -> None:
        cookie.secure = False
        super().set_cookie(cookie, *args, **kwargs)


def _https_origin(stack: Stack) -> str:
    return stack.base_url.replace("http://", "https://", 1)


def _browser(stack: Stack) -> requests.Session:
    session = requests.Session()
    session.headers.update(FORWARDED)
    session.headers["Referer"] = _https_origin(stack) + "/"
    session.cookies = _LoopbackJar()
    return session


def _password(stack: Stack) -> str:
    login_for = getattr(stack, "login_for", None)
    if login_for is not None:
        return login_for(USERNAME).password
    return DEMO_PASSWORD


def _login(stack: Stack, session: requests.Session) -> None:
    page = session.get(stack.base_url + "/accounts/login/", timeout=TIMEOUT)
    token = CSRF_INPUT.search(page.text)
    response = session.post(
        stack.base_url + "/accounts/login/",
        data={
            "username": USERNAME,
            "password": _password(stack),
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"login as {USERNAME}: {response.status_code}")


def _csrf(stack: Stack, session: requests.Session) -> str:
    page = session.get(stack.base_url + "/plans/import/", timeout=TIMEOUT)
    found = CSRF_INPUT.search(page.text)
    return found.group(1) if found else session.cookies.get("csrftoken", "")


def _issue_token(stack: Stack) -> str:
    code = (
        "from django.contrib.auth import get_user_model\n"
        "from api.tokens import token_issue\n"
        f"user = get_user_model().objects.get(username={USERNAME!r})\n"
        "print('TOKEN', token_issue(user=user, name='faults: inputs', issued_by=None)[1])\n"
    )
    out = stack.manage("shell", "-c", code)
    found = TOKEN.search(out)
    if not found:
        raise RuntimeError(f"no token printed:\n{out[-1000:]}")
    return found.group()


# --- one input, its outcome -------------------------------------------------------------------


@dataclass
class Outcome:
    name: str
    status: int | str
    ok: bool
    seconds: float
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "ok": self.ok, "seconds": self.seconds}
        if self.note:
            out["note"] = self.note
        return out


def _message(html: str) -> str:
    """The refusal's text as a person reads it: the page's error list or alert, else its
    first heading."""
    for pattern in (
        r'class="errorlist[^"]*"[^>]*>(.*?)</ul>',
        r'class="message error"[^>]*>(.*?)</div>',
        r"<main[^>]*>(.*?)</main>",
    ):
        found = re.search(pattern, html, re.S)
        if found:
            return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())[:160]
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())[:160]


def _job_outcome(stack: Stack, session: requests.Session, url: str) -> tuple[bool, str]:
    """Follow a background import job's page until it ends: refused (failed) with a message."""
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        page = session.get(url, timeout=TIMEOUT)
        if page.status_code >= 500:
            return False, f"job page {page.status_code}"
        if 'class="message error"' in page.text:
            return True, "job failed: " + _message(page.text)
        if re.search(r'href="/plans/\d+/"', page.text):
            return False, "the job imported a plan it should have refused"
        if 'value="confirm"' in page.text:
            return False, "the job parsed the document into a preview"
        time.sleep(1)
    return False, f"job still running after {JOB_TIMEOUT}s"


def _upload(stack: Stack, session: requests.Session, name: str, path: Path) -> Outcome:
    started = time.monotonic()
    try:
        with path.open("rb") as handle:
            response = session.post(
                stack.base_url + "/plans/import/",
                data={"csrfmiddlewaretoken": _csrf(stack, session)},
                files={"document": (path.name, handle, "application/octet-stream")},
                timeout=TIMEOUT,
                allow_redirects=False,
            )
    except requests.RequestException as exc:
        return Outcome(name, type(exc).__name__, False, round(time.monotonic() - started, 1))
    status = response.status_code
    seconds = round(time.monotonic() - started, 1)
    if 400 <= status < 500:
        message = _message(response.text)  # a refusal that says why: the form's error
        return Outcome(name, status, bool(message), seconds, message)
    location = response.headers.get("Location", "")
    if status in (302, 303) and JOB_URL.search(location):
        url = location if location.startswith("http") else stack.base_url + location
        ok, note = _job_outcome(stack, session, url)
        return Outcome(name, f"{status} → job", ok, round(time.monotonic() - started, 1), note)
    return Outcome(name, status, False, seconds, _message(response.text))


def _request(name: str, send: Callable[[], requests.Response], expect: tuple[int, ...]) -> Outcome:
    started = time.monotonic()
    try:
        response = send()
    except requests.RequestException as exc:
        return Outcome(name, type(exc).__name__, False, round(time.monotonic() - started, 1))
    note = ""
    if response.headers.get("Content-Type", "").startswith("application/json"):
        note = response.text[:160]
    elif response.status_code >= 400:
        note = _message(response.text)
    return Outcome(
        name,
        response.status_code,
        response.status_code in expect,
        round(time.monotonic() - started, 1),
        note,
    )


def _form_with_nul(stack: Stack, session: requests.Session) -> requests.Response:
    return session.post(
        stack.base_url + "/plans/import/",
        data={
            "csrfmiddlewaretoken": _csrf(stack, session),
            "title": "方案\x00标题",
            "text": "一、总体要求\n1.加强保护\x07。（牵头单位：省知识产权局）\n",
        },
        timeout=TIMEOUT,
        allow_redirects=False,
    )


def _inputs(stack: Stack, session: requests.Session, api: requests.Session) -> list[Outcome]:
    base = stack.base_url
    big = "7222083942557992091648"
    huge_page = "99999999999999999999"
    login = _browser(stack)
    return [
        _request(
            "api: agencies ?search=%00",
            lambda: api.get(f"{base}/api/v1/agencies/?search=%00", timeout=TIMEOUT),
            (400,),
        ),
        # A number no column can hold, in any query parameter: 400 (security/inputs.py).
        _request(
            f"api: responsibilities ?task={big}",
            lambda: api.get(f"{base}/api/v1/responsibilities/?task={big}", timeout=TIMEOUT),
            (400,),
        ),
        _request(
            f"api: tasks/{big}/",
            lambda: api.get(f"{base}/api/v1/tasks/{big}/", timeout=TIMEOUT),
            (404,),
        ),
        _request(
            f"api: tasks ?page={huge_page}",
            lambda: api.get(f"{base}/api/v1/tasks/?page={huge_page}", timeout=TIMEOUT),
            (400,),
        ),
        _request(
            f"api: agencies ?page_size={huge_page}",
            lambda: api.get(f"{base}/api/v1/agencies/?page_size={huge_page}", timeout=TIMEOUT),
            (400,),
        ),
        _request(
            "api: JSON body with NUL and control characters",
            lambda: api.post(
                f"{base}/api/v1/reports/",
                json={"progress": "进展\x00", "problems": "\x1b[31m"},
                timeout=TIMEOUT,
            ),
            (400,),
        ),
        _request(
            "api: JSON key with NUL",
            lambda: api.post(
                f"{base}/api/v1/reports/", json={"pro\x00gress": "x"}, timeout=TIMEOUT
            ),
            (400,),
        ),
        _request(
            f"page: notifications ?page={huge_page}",
            lambda: session.get(f"{base}/notifications/?page={huge_page}", timeout=TIMEOUT),
            (400,),
        ),
        _request(
            "page: plans ?q=%00",
            lambda: session.get(f"{base}/plans/?q=%00", timeout=TIMEOUT),
            (400,),
        ),
        _request(
            "page: import form with NUL and BEL in fields",
            lambda: _form_with_nul(stack, session),
            (400,),
        ),
        _request(
            "page: login form with NUL in the username",
            lambda: login.post(
                f"{base}/accounts/login/",
                data={"username": "hainan\x00", "password": "x"},
                timeout=TIMEOUT,
                allow_redirects=False,
            ),
            (400, 403),
        ),
    ]


FILES: list[tuple[str, str, Callable[[Path], Path]]] = [
    ("docx: 1.2 M tiny paragraphs", "paragraphs.docx", paragraph_bomb),
    ("txt: 30 MB", "big.txt", big_text),
    ("docx: one 300 MB text node", "huge-node.docx", huge_text_node),
    ("docx: 1,000 zip members", "members.docx", many_members),
    ("docx: not a zip", "not-a-zip.docx", not_a_zip),
    ("docx: damaged compressed body", "corrupt.docx", corrupt_deflate),
    ("docx: body not named in its content types", "no-main.docx", no_main_part),
    ("docx: relationship without a target", "no-target.docx", relationship_without_target),
    ("docx: 3 MB, 1.1 M paragraphs (over the inline limit)", "large.docx", large_paragraph_docx),
    ("txt: 8 MB in one line (over the inline limit)", "long-line.txt", long_line_text),
]


def run(stack: Stack) -> Fault:
    started = time.monotonic()
    outcomes: list[Outcome] = []
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="faults-inputs-") as tmp, MemoryWatch(stack) as memory:
        session = _browser(stack)
        _login(stack, session)
        api = requests.Session()
        api.headers.update({**FORWARDED, "Authorization": f"Bearer {_issue_token(stack)}"})
        for name, filename, make in FILES:
            path = make(Path(tmp) / filename)
            sizes[name] = path.stat().st_size
            outcomes.append(_upload(stack, session, name, path))
            path.unlink()
        outcomes.extend(_inputs(stack, session, api))
        time.sleep(0.5)  # a last sample after the last answer
    peak_mb = {kind: round(kb / 1024, 1) for kind, kb in memory.peak.items()}
    passed = all(o.ok for o in outcomes) and max(peak_mb.values()) < RSS_LIMIT_MB
    figures: dict[str, Any] = {
        "inputs": {o.name: o.as_json() for o in outcomes},
        "file_bytes": sizes,
        "max_rss_mb": peak_mb,
        "rss_at_start_mb": memory.at_start,
        "rss_limit_mb": RSS_LIMIT_MB,
        "vm_hwm_mb": memory.high_water_mb(),
        "rss_samples": memory.samples,
        "failed": [o.name for o in outcomes if not o.ok],
        "seconds": round(time.monotonic() - started, 1),
    }
    return Fault(NAME, passed, json.loads(json.dumps(figures, default=str)))
