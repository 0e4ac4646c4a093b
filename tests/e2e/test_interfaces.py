"""The five services' interfaces as a client meets them, on the real servers: every
operation fuzzed from its own OpenAPI document, the AsyncAPI document served as written,
and the API docs pages working with no network beyond the service itself."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse
from playwright.sync_api import Browser, Route
from pydantic import BaseModel

from deploy.processes import SERVICES
from shared.host.asyncapi import asyncapi_document
from shared.host.definition import ServiceDefinition
from shared.infra.ports import free_port, wait_for_port
from shared.settings import KafkaSettings
from tests.e2e.browser import chromium
from tests.e2e.conftest import Platform
from tests.support import DEFINITIONS

ROOT = Path(__file__).resolve().parents[2]

# What the issue holds every answer to: no 5xx, no status the document does not list, no
# body off its documented schema, no content type other than documented. And a request
# missing a required header is refused (4xx), not answered: schemathesis found reads
# answering 404 for an unknown area before looking at their actor headers.
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance", "missing_required_header")
# Per operation, for the fuzzing phase; the examples and coverage phases add their own
# (deterministic) cases. About 10 s per service on two cores.
EXAMPLES = 25

# Operations a client reaches with success from an empty store, given a served area, a
# well-formed body and an actor: the fuzzer must get there, not only to the refusals.
OPERATIONS_ROUTES = ["GET /health/live", "GET /health/ready", "GET /asyncapi.json",
                     "GET /verify", "GET /metrics", "GET /dead-letters",
                     "POST /dead-letters/replay"]
REACHABLE = {
    "allocation": ["POST /cycles", "POST /cases", "POST /auditors", "GET /cases",
                   "GET /auditors"],
    "audit": ["GET /audits"],
    "moderation": ["GET /moderations"],
    "tracker": ["GET /actions", "GET /children-of-concern"],
    "reporting": ["GET /read-models"],
}


@dataclass
class FuzzRun:
    exit_code: int
    output: str
    # (method, path as requested, status) of every request the fuzzer made
    exchanges: list[tuple[str, str, int]]


def fuzz(schema_url: str, report: Path) -> FuzzRun:
    """`st run` over every operation of the document at `schema_url`, deterministic."""
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", schema_url,
        "--checks", ",".join(CHECKS),
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", str(EXAMPLES), "--generation-deterministic",
        "--request-timeout", "10", "--no-color",
        "--report", "har", "--report-har-path", str(report),
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.e2e.fuzz_hooks",
           "PYTHONPATH": str(ROOT)}
    # In the report's folder: schemathesis keeps a cache folder where it runs.
    done = subprocess.run(command, cwd=report.parent, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    exchanges = []
    if report.exists():
        for entry in json.loads(report.read_text())["log"]["entries"]:
            url = urlsplit(entry["request"]["url"])
            exchanges.append((entry["request"]["method"], url.path,
                              int(entry["response"]["status"])))
    return FuzzRun(done.returncode, done.stdout + done.stderr, exchanges)


def operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(method.upper(), path) for path, methods in document["paths"].items()
            for method in methods]


def template(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")


def requests_by_operation(document: dict[str, Any], run: FuzzRun
                          ) -> dict[str, list[int]]:
    """Each request the fuzzer made, under the operation it addressed (the most specific
    template wins: `/reports/{a}/{m}.txt` before `/reports/{a}/{m}`)."""
    known = sorted(operations(document), key=lambda op: -len(re.sub(r"\{[^}]+\}", "", op[1])))
    found: dict[str, list[int]] = {f"{method} {path}": [] for method, path in known}
    for method, requested, status in run.exchanges:
        for candidate, path in known:
            if candidate == method and template(path).match(requested):
                found[f"{method} {path}"].append(status)
                break
    return found


@pytest.fixture(scope="module")
def fuzzed(platform: Platform, tmp_path_factory: pytest.TempPathFactory
           ) -> dict[str, tuple[dict[str, Any], FuzzRun]]:
    folder = tmp_path_factory.mktemp("fuzzing")
    runs = {}
    for name, url in platform.urls.items():
        document = httpx.get(f"{url}/openapi.json", timeout=10).json()
        runs[name] = (document, fuzz(f"{url}/openapi.json", folder / f"{name}.har"))
    return runs


@pytest.mark.parametrize("service", SERVICES)
def test_the_fuzzer_finds_no_fault(fuzzed: dict[str, tuple[dict[str, Any], FuzzRun]],
                                   service: str) -> None:
    _, run = fuzzed[service]
    failures = run.output[run.output.find("FAILURES"):] if "FAILURES" in run.output else ""
    assert run.exit_code == 0, failures[-8000:] or run.output[-4000:]
    assert run.exchanges, "the fuzzer made no request"


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_is_fuzzed(fuzzed: dict[str, tuple[dict[str, Any], FuzzRun]],
                                   service: str) -> None:
    document, run = fuzzed[service]
    seen = requests_by_operation(document, run)
    assert len(seen) >= len(OPERATIONS_ROUTES) + len(REACHABLE[service])
    assert [operation for operation, statuses in seen.items() if not statuses] == []


@pytest.mark.parametrize("service", SERVICES)
def test_the_fuzzer_reaches_success(fuzzed: dict[str, tuple[dict[str, Any], FuzzRun]],
                                    service: str) -> None:
    document, run = fuzzed[service]
    seen = requests_by_operation(document, run)
    missed = {operation: sorted(set(seen[operation]))
              for operation in [*OPERATIONS_ROUTES, *REACHABLE[service]]
              if not any(200 <= status < 300 for status in seen[operation])}
    assert missed == {}


# --- the harness itself bites: each check fails a service that breaks its promise ----


class Count(BaseModel):
    count: int


def lying_api() -> FastAPI:
    app = FastAPI()

    @app.get("/fails")
    async def fails() -> Count:
        raise RuntimeError("a fault")

    @app.get("/undocumented-status")
    async def undocumented_status() -> JSONResponse:
        return JSONResponse({"count": 1}, status_code=418)

    @app.get("/wrong-content-type", response_model=Count)
    async def wrong_content_type() -> HTMLResponse:
        return HTMLResponse("<p>1</p>")

    @app.get("/wrong-shape", response_model=None)
    async def wrong_shape() -> JSONResponse:
        return JSONResponse({"count": "one"})

    original = app.openapi

    def documented() -> dict[str, Any]:
        schema = original()
        # /wrong-shape promises a Count; its answer is not one.
        schema["paths"]["/wrong-shape"]["get"]["responses"]["200"]["content"] = {
            "application/json": {"schema": {"$ref": "#/components/schemas/Count"}}}
        return schema

    app.openapi = documented  # type: ignore[method-assign]
    return app


@pytest.fixture(scope="module")
def lying_service() -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(lying_api(), host="127.0.0.1", port=port,
                                           log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for_port("127.0.0.1", port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_the_fuzzer_fails_a_service_that_breaks_its_document(
        lying_service: str, tmp_path: Path) -> None:
    run = fuzz(f"{lying_service}/openapi.json", tmp_path / "lying.har")
    assert run.exit_code != 0
    # The report has a section per failing operation: "____ GET /fails ____" then its
    # failures, each with its code ("- ST101 Server error").
    sections = dict(re.findall(r"_{3,} (GET \S+) _{3,}\n(.*?)(?=\n_{3,} |\n={3,} )",
                               run.output, flags=re.DOTALL))
    for operation, complaint in [
        ("GET /fails", "ST101 Server error"),
        ("GET /undocumented-status", "ST103 Undocumented"),
        ("GET /wrong-content-type", "ST105 Undocumented Content-Type"),
        ("GET /wrong-shape", "ST108 Response violates schema"),
    ]:
        assert complaint in sections.get(operation, ""), (operation, run.output[-4000:])


# --- the AsyncAPI document as served ------------------------------------------------


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.name)
def test_the_served_asyncapi_document_is_the_written_one(platform: Platform,
                                                         definition: ServiceDefinition
                                                         ) -> None:
    kafka = KafkaSettings(bootstrap_servers=platform.env["KAFKA_BOOTSTRAP_SERVERS"],
                          topic_prefix=platform.env["KAFKA_TOPIC_PREFIX"])
    served = httpx.get(f"{platform.urls[definition.name]}/asyncapi.json", timeout=10)
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/json"
    assert served.json() == asyncapi_document(definition, kafka)


# --- API docs without a network -----------------------------------------------------


class References(HTMLParser):
    """Every address a page's markup makes the browser fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"src", "href", "spec-url"} and value:
                self.urls.append(value)


EXPECTED_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png",
                  ".json": "application/json"}


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
@pytest.mark.parametrize("service", SERVICES)
def test_api_docs_need_nothing_but_the_service(platform: Platform, service: str,
                                               page: str) -> None:
    base = platform.urls[service]
    answer = httpx.get(base + page, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    # The browser is told to load nothing from any other host, whatever a bundle asks for.
    policy = dict(directive.strip().split(" ", 1)
                  for directive in answer.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'self'"
    allowed = {"'self'", "'unsafe-inline'", "data:", "blob:"}
    assert {source for sources in policy.values() for source in sources.split()} <= allowed
    parser = References()
    parser.feed(answer.text)
    # Swagger UI is told where the document is in its script, not in an attribute.
    urls = parser.urls + re.findall(r"url:\s*'([^']+)'", answer.text)
    assert any(url.endswith("/openapi.json") for url in urls), urls
    assert any(Path(urlsplit(url).path).suffix == ".js" for url in urls), urls
    elsewhere = [url for url in re.findall(r"https?://[^\s'\"<>)]+", answer.text)
                 if urlsplit(url).netloc != urlsplit(base).netloc]
    assert elsewhere == []
    for url in urls:
        address = urljoin(base + page, url)
        assert urlsplit(address).netloc == urlsplit(base).netloc, url
        asset = httpx.get(address, timeout=10)
        assert asset.status_code == 200, url
        suffix = Path(urlsplit(address).path).suffix
        assert EXPECTED_TYPES[suffix] in asset.headers["content-type"], (url, asset.headers)
        assert asset.content, url


# --- ... and in a real browser, with everything off this machine cut off ------------

@pytest.fixture(scope="module")
def browser(platform: Platform) -> Iterator[Browser]:
    # Under the platform, so it closes first: Playwright's event loop, while open, keeps
    # the platform's teardown from running asyncio (between one broker's platform and the
    # next).
    with chromium() as launched:
        yield launched


@pytest.mark.parametrize(("page_path", "rendered"),
                         [("/docs", ".opblock"), ("/redoc", "[data-section-id^='operation/']")])
@pytest.mark.parametrize("service", SERVICES)
def test_api_docs_render_offline_in_a_browser(platform: Platform, browser: Browser,
                                              service: str, page_path: str,
                                              rendered: str) -> None:
    base = platform.urls[service]
    operations_documented = len(operations(httpx.get(f"{base}/openapi.json",
                                                     timeout=10).json()))
    page = browser.new_page()
    elsewhere: list[str] = []
    failures: list[str] = []

    def only_this_service(route: Route) -> None:
        # Anything for another host is cut off and remembered: an offline network would
        # not answer it, and a page that needs it is not offline.
        url = route.request.url
        if url.startswith(base + "/") or url.startswith(f"blob:{base}/"):
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    page.route("**/*", only_this_service)
    page.on("pageerror", lambda error: failures.append(str(error)))
    # A request the page's Content-Security-Policy stopped never left the browser (ReDoc
    # asks for its maker's logo from a CDN); any other failure is a page not working.
    page.on("requestfailed", lambda request: failures.append(request.url)
            if request.failure != "csp" else None)
    try:
        page.goto(base + page_path)
        page.wait_for_selector(rendered, timeout=30_000)
        # Every operation of the document is on the page.
        assert page.locator(rendered).count() == operations_documented
    finally:
        page.close()
    assert elsewhere == []
    assert failures == []
