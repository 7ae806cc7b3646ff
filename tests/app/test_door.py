"""The dashboard's door: the Voilà server that ``make dashboard`` starts, asked by a stranger.

One server per module, started with the very command ``make -n dashboard`` prints (plus the
kernel culling of the other browser tests), on a free port of 127.0.0.1. It must print the
URL to open, with a fresh token; refuse a request without it, a request whose Host is not a
local name, and a request or kernel websocket whose Origin is another site (token or not);
and the printed URL must open the working page in Chromium. A second server, started without
the Makefile's JUPYTER_PATH, must still find the planner template (the package installs it),
and the wheel must carry it.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from tests.paths import ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CULL = ["--MappingKernelManager.cull_idle_timeout=60", "--MappingKernelManager.cull_interval=30"]
PRINTED = re.compile(r"Voil\S* is running at:\s*(http://\S+)")
FOREIGN = "http://evil.example"
TITLE = "<title>Lower-back programme</title>"  # the planner template's, not Voila's lab one


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_dashboard(port: int) -> tuple[dict[str, str], list[str]]:
    """The environment and command that ``make dashboard`` runs, as make itself prints them
    (its setup step taken as done: the tests already run in the installed environment)."""
    make = shutil.which("make")
    assert make, "make is needed: the test starts the dashboard as `make dashboard` does"
    out = subprocess.run([make, "-s", "-n", "-o", ".venv/.installed", "dashboard",
                          f"PORT={port}", f"BIN={Path(sys.executable).parent}"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    words = shlex.split(out.replace("\\\n", " "))
    env = {}
    while words and re.match(r"^[A-Za-z_]\w*=", words[0]):
        key, _, value = words.pop(0).partition("=")
        env[key] = value
    return env, words


class Server:
    """A Voilà process, its log, and the URL it printed."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path):
        self.log = log
        self._out = log.open("w")
        # A session of its own: the server and its kernels are stopped together.
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self._out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self.url = self._printed_url()
        except BaseException:
            self.stop()
            raise
        parsed = urlparse(self.url)
        self.port = parsed.port
        self.token = parse_qs(parsed.query).get("token", [""])[0]

    def _printed_url(self, timeout: float = 120) -> str:
        end = time.time() + timeout
        while time.time() < end:
            text = self.log.read_text(errors="replace")
            found = PRINTED.search(text)
            if found:
                return found.group(1)
            if self.proc.poll() is not None:
                raise RuntimeError(f"voila exited with {self.proc.returncode}:\n{text}")
            time.sleep(0.2)
        raise TimeoutError(f"voila printed no URL in {timeout} s:\n{self.log.read_text()}")

    def request(self, path: str, headers: dict[str, str] | None = None
                ) -> tuple[int, dict[str, str], str]:
        """One GET, redirects not followed; (status, headers, body)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request("GET", path, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode(
                "utf-8", "replace")
        finally:
            conn.close()

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        except ProcessLookupError:
            pass
        self._out.close()


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without a token of the caller's, so the server makes its own."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("JUPYTER_TOKEN", "JUPYTER_TOKEN_FILE", "JUPYTER_PATH")}
    return {**env, **extra}


@pytest.fixture(scope="module")
def door(tmp_path_factory):
    env, argv = make_dashboard(free_port())
    server = Server(argv + CULL, clean_env(**env), tmp_path_factory.mktemp("door") / "voila.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def visit(door):
    """One page load with the printed URL: the page, its kernel and the login cookie."""
    status, headers, body = door.request(urlparse(door.url)._replace(scheme="", netloc="")
                                         .geturl())
    assert status == 200, (status, body[:500])
    kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', body)
    assert kernel, "the page names no kernel"
    cookie = headers["set-cookie"].split(";", 1)[0]
    return body, kernel.group(1), cookie


def test_the_printed_url_is_local_and_carries_a_fresh_token(door):
    url = urlparse(door.url)
    assert url.hostname == "127.0.0.1"
    assert re.fullmatch(r"[0-9a-f]{48}", door.token), door.url
    # Bound to 127.0.0.1 itself, not to every address: another loopback address is refused.
    with pytest.raises(OSError), socket.create_connection(("127.0.0.2", door.port), timeout=5):
        pass


def test_without_the_token_no_page(door, visit):
    _, kernel, _ = visit
    for path in ("/", f"/?token={'0' * 48}"):
        status, headers, body = door.request(path)
        assert status == 302 and urlparse(headers["location"]).path == "/login", (path, status)
        assert TITLE not in body
    assert door.request(f"/api/kernels/{kernel}")[0] == 403
    # Voila serves the notebook folder's pictures to anyone (its file handler asks for no
    # token); the dashboard needs none, so it serves none (voila.json: file_allowlist).
    assert door.request("/voila/files/picture.png")[0] == 403


def test_with_the_token_the_planner_page(visit):
    body, _, cookie = visit
    assert TITLE in body and "fontawesome" not in body
    assert cookie.startswith("username-127-0-0-1-")


def test_a_foreign_host_is_refused(door):
    token = f"/?token={door.token}"
    for host in ("evil.example", "127.0.0.1.evil.example", "localhost.evil.example"):
        status, _, body = door.request(token, {"Host": f"{host}:{door.port}"})
        assert status == 403 and TITLE not in body, host
    # The local names are let in (the login page: no kernel is taken for it).
    for host in ("127.0.0.1", "localhost", "[::1]"):
        status, _, _ = door.request("/login", {"Host": f"{host}:{door.port}"})
        assert status == 200, host
    status, _, _ = door.request("/login", {"Host": f"evil.example:{door.port}"})
    assert status == 403


def test_a_request_from_another_site_is_refused(door):
    own = f"http://127.0.0.1:{door.port}"
    assert door.request("/login", {"Origin": own})[0] == 200
    assert door.request("/login", {"Origin": FOREIGN})[0] == 403
    # The token does not let another site's page in: it may have leaked with a link.
    status, _, body = door.request(f"/?token={door.token}", {"Origin": FOREIGN})
    assert status == 403 and TITLE not in body


def kernel_channel(door: Server, kernel: str, headers: dict[str, str], query: str = "",
                   host: str | None = None) -> int | str:
    """Open the kernel's websocket with these headers: its HTTP status when refused, or the
    kernel's answer to a kernel_info_request when accepted."""
    url = f"ws://127.0.0.1:{door.port}/api/kernels/{kernel}/channels{query}"
    if host:
        headers = {**headers, "Host": host}

    async def go() -> int | str:
        try:
            ws = await websocket_connect(HTTPRequest(url, headers=headers,
                                                     connect_timeout=30, request_timeout=30))
        except HTTPClientError as e:
            return e.code
        msg_id = uuid.uuid4().hex
        ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "kernel_info_request", "username": "",
                       "session": uuid.uuid4().hex, "date": "", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": {}, "channel": "shell"}))
        try:
            while True:
                raw = await asyncio.wait_for(ws.read_message(), 60)
                if raw is None:
                    return "closed"
                if isinstance(raw, str):
                    reply = json.loads(raw)
                    if (reply.get("parent_header", {}).get("msg_id") == msg_id
                            and reply.get("channel") == "shell"):
                        return reply["header"]["msg_type"]
        finally:
            ws.close()

    return asyncio.run(go())


def test_the_kernel_websocket_opens_only_for_the_page_itself(door, visit):
    _, kernel, cookie = visit
    own = f"http://127.0.0.1:{door.port}"
    token = f"?token={door.token}"
    # The page's own way in: its Origin and its login cookie; a script's: the token.
    assert kernel_channel(door, kernel, {"Origin": own, "Cookie": cookie}) == "kernel_info_reply"
    assert kernel_channel(door, kernel, {"Origin": own}, token) == "kernel_info_reply"
    # Another site's page: refused with the cookie, and with the token too.
    assert kernel_channel(door, kernel, {"Origin": FOREIGN, "Cookie": cookie}) == 403
    assert kernel_channel(door, kernel, {"Origin": FOREIGN}, token) == 403
    # A foreign name for 127.0.0.1 (DNS rebinding), even with the token and a matching Origin.
    assert kernel_channel(door, kernel, {"Origin": "http://evil.example"}, token,
                          host="evil.example") == 403
    # Nobody: no token, no cookie.
    assert kernel_channel(door, kernel, {"Origin": own}) == 403


BARS = """n => { const plot = document.querySelector('.planner-charts .js-plotly-plot');
    return !!plot && plot.querySelectorAll('g.trace.bars g.point').length === n; }"""


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_the_printed_url_opens_the_working_page(door):
    """The printed URL in a browser: the page, its charts, and widgets that answer (through
    the kernel's websocket). Without the token in the URL: the login page, where the token
    pasted opens the page too. Nothing is asked of another host, nothing is refused."""
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    external: list[str] = []
    refused: list[str] = []

    def context(browser):
        ctx = browser.new_context(viewport={"width": 1366, "height": 768})
        ctx.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname
                  in ("127.0.0.1", "localhost") else (external.append(r.request.url),
                                                      r.abort()))
        page = ctx.new_page()
        # Voila's page asks for its kernel's shutdown as it unloads (ctx.close), without the
        # XSRF header the server wants: that refusal is Voila's, and not the door's.
        page.on("response", lambda r: refused.append(f"{r.status} {r.url}")
                if r.status >= 400 and "/voila/api/shutdown/" not in r.url else None)
        return ctx, page

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            ctx, page = context(browser)
            page.goto(door.url, timeout=180_000)
            page.wait_for_function(BARS, arg=12, timeout=180_000)
            handle = page.locator(".planner-left .widget-slider").first.locator(".noUi-handle")
            handle.focus()
            for _ in range(4):
                page.keyboard.press("ArrowLeft")
            page.wait_for_function(BARS, arg=8, timeout=60_000)
            ctx.close()

            ctx, page = context(browser)
            page.goto(f"http://127.0.0.1:{door.port}/", timeout=60_000)
            assert urlparse(page.url).path == "/login"
            page.fill("input[name=password]", door.token)
            page.keyboard.press("Enter")
            page.wait_for_function(BARS, arg=12, timeout=180_000)
            assert urlparse(page.url).path == "/"
            ctx.close()
        finally:
            browser.close()
    assert not external, external
    assert not refused, refused


def test_the_template_is_found_without_jupyter_path(door, tmp_path):
    """``voila notebooks/dashboard.ipynb`` as a person types it, without the Makefile's
    JUPYTER_PATH: the template comes from where the package installed it, and voila.json
    (the planner template, the token) still applies. Its token is not the other server's."""
    installed = Path(sys.prefix) / "share" / "jupyter" / "voila" / "templates" / "planner"
    assert (installed / "index.html.j2").is_file(), f"the package did not install {installed}"
    voila = Path(sys.executable).parent / "voila"
    server = Server([str(voila), "notebooks/dashboard.ipynb", f"--port={free_port()}",
                     "--no-browser", "--Voila.ip=127.0.0.1", *CULL], clean_env(),
                    tmp_path / "voila.log")
    try:
        assert server.token and server.token != door.token
        assert server.request("/")[0] == 302
        status, _, body = server.request(f"/?token={server.token}")
        assert status == 200, body[:2000]
        assert TITLE in body and "fontawesome" not in body
    finally:
        server.stop()
    assert "TemplateNotFound" not in server.log.read_text()


@pytest.mark.wheel
def test_the_wheel_carries_the_template(tmp_path):
    """The wheel installs the template as Voilà templates are installed: data files under
    share/jupyter/voila/templates/planner."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True)
    wheel = next(tmp_path.glob("planner-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    data = {n.split(".data/data/", 1)[1] for n in names if ".data/data/" in n}
    template = "share/jupyter/voila/templates/planner/"
    shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / template).rglob("*")
               if p.is_file()}
    assert shipped >= {template + "index.html.j2", template + "conf.json"}
    assert shipped <= data, shipped - data
