"""Fixtures of the browser tests: Debian's Chromium driven by Playwright, and the service on a free port.

The browser is the system's ``/usr/bin/chromium`` (``make test`` installs it where it is missing);
Playwright never downloads a browser of its own. Without Chromium the tests are skipped, except in
CI (``CI=true``), where a missing browser fails the run. Every request a page makes to a host other
than the loopback server is aborted, so the pages are shown to work offline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Request, Route

from aumos_drift_detector.adapters.api.auth import issue_token
from aumos_drift_detector.settings import Settings
from tests import servers

CHROMIUM = Path(os.environ.get("AUMOS_DRIFT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Where the screenshots of every page go; CI keeps the folder as an artefact.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
SECRET = "browser-tests-secret-0123456789abcdefghijklmnop"
_LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@dataclass(frozen=True, slots=True)
class LiveServer:
    """The service running in a process of its own on a SQLite file, its log lines written to ``log``."""

    url: str
    settings: Settings
    log: Path
    issued: list[str] = field(default_factory=list)

    def token(self, role: str, *, tenant: str = "acme", subject: str | None = None) -> str:
        """A signed token of the server's secret for a role of a tenant (remembered, to look for in the log)."""
        token = issue_token(self.settings, tenant_id=tenant, roles=[role], subject=subject or f"{role}@{tenant}")
        self.issued.append(token)
        return token

    def api(self, role: str = "admin", *, tenant: str = "acme") -> httpx.Client:
        """An HTTP client of the API with a bearer token of the role."""
        headers = {"Authorization": f"Bearer {self.token(role, tenant=tenant)}"}
        return httpx.Client(base_url=f"{self.url}/api/v1", headers=headers, timeout=30)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """The system Chromium; missing: skipped here, a failure in CI."""
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium, or make test)"
        if servers.in_ci():
            pytest.fail(f"{reason} (CI=true: a missing browser fails the run)", pytrace=False)
        pytest.skip(reason)
    return CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium") or CHROMIUM)


@pytest.fixture(scope="package")
def browser(chromium_path: Path) -> Iterator[Browser]:
    """One headless Chromium for the browser tests.

    Package-scoped: while Playwright's synchronous driver runs, the thread has a running event loop,
    which the asynchronous tests elsewhere in the suite must not see.
    """
    try:
        import playwright.sync_api as playwright_sync
    except ImportError:
        if servers.in_ci():
            pytest.fail("playwright is not installed (pip install -e '.[dev]')", pytrace=False)
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    with playwright_sync.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


def _block_the_network(route: Route) -> None:
    request = route.request
    if urlsplit(request.url).hostname in _LOCAL_HOSTS or request.url.startswith(("data:", "blob:")):
        route.continue_()
    else:
        route.abort()


@dataclass
class OfflinePage:
    """A page whose requests beyond the loopback server are aborted, and what it tried to reach there.

    Attributes:
        page: The Playwright page.
        blocked: ``(resource type, URL)`` of each aborted request.
    """

    page: Page
    blocked: list[tuple[str, str]]

    def blocked_besides_images(self) -> list[tuple[str, str]]:
        """Aborted requests other than images (ReDoc's sidebar shows its vendor's logo from the web)."""
        return [(kind, url) for kind, url in self.blocked if kind != "image"]


@pytest.fixture
def offline_page(browser: Browser) -> Iterator[OfflinePage]:
    """A fresh browser context with the network cut off beyond the loopback server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked: list[tuple[str, str]] = []

    def record(request: Request) -> None:
        url = request.url
        if urlsplit(url).hostname not in _LOCAL_HOSTS and not url.startswith(("data:", "blob:")):
            blocked.append((request.resource_type, url))

    context.on("request", record)
    context.route("**/*", _block_the_network)
    page = context.new_page()
    try:
        yield OfflinePage(page, blocked)
    finally:
        context.close()


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a full-page screenshot under :data:`SCREENSHOTS`."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=full_page)
    return target


def _wait_ready(url: str, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not become ready")


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator[LiveServer]:
    """``aumos-drift serve`` on a free loopback port with a fresh SQLite file."""
    port = servers.free_port()
    database = tmp_path_factory.mktemp("browser") / "drift.db"
    env = {
        **os.environ,
        "AUMOS_DRIFT_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "AUMOS_DRIFT_AUTO_MIGRATE": "true",
        "AUMOS_DRIFT_JWT_SECRET": SECRET,
        "AUMOS_DRIFT_SCHEDULER_ENABLED": "false",
        "AUMOS_DRIFT_LOG_LEVEL": "INFO",
        "AUMOS_DRIFT_LOG_JSON": "true",
        "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[2] / "src"), *sys.path]),
    }
    code = "import sys; from aumos_drift_detector.cli import main; sys.exit(main(sys.argv[1:]))"
    log = database.with_name("server.log")
    with log.open("wb") as sink:
        command = [sys.executable, "-c", code, "serve", "--port", str(port)]
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(url, process, time.monotonic() + 60)
            yield LiveServer(url=url, settings=Settings(jwt_secret=SECRET), log=log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
