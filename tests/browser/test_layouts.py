"""Every page of every role holds its layout at 1280 and 390 px: no sideways scrolling, no
text printed over other text, and no accessibility violation axe-core can find.

Each role's pages are found by following the site's own links from where the role lands (one
page per kind of address: ``/incidents/INC-…`` once, not once per incident).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from incidents import create_app
from incidents.accounts.demo import DEMO_PASSWORD
from incidents.extensions import db_session
from incidents.reports.models import Report, ReportRevision
from tests.conftest import test_settings as settings_for

pytestmark = pytest.mark.browser

ROLES = [
    None,
    "reporter@aurora.example",
    "orgadmin@aurora.example",
    "analyst@meridian.example",
    "editor@meridian.example",
    "analyst@northgate.example",
    "admin@operations.example",
]
WIDTHS = (1280, 390)
MAX_PAGES = 40
SKIPPED = re.compile(r"^/(static|api/v1|favicon\.ico)|\.(json|csv|atom)$|^/api/docs")

# What a page's layout must not do, measured in the page.
LAYOUT_PROBLEMS = """
() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`scrolls sideways: ${document.documentElement.scrollWidth}px in ${width}px`);
  }
  // The part of an element's text that shows: clipped by every scrolling ancestor.
  const visible = (element, rect) => {
    let [left, top, right, bottom] = [rect.left, rect.top, rect.right, rect.bottom];
    for (let up = element; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') {
        const box = up.getBoundingClientRect();
        left = Math.max(left, box.left); right = Math.min(right, box.right);
        top = Math.max(top, box.top); bottom = Math.min(bottom, box.bottom);
      }
    }
    return right - left > 1 && bottom - top > 1 ? {left, top, right, bottom} : null;
  };
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (!text) continue;
    const element = node.parentElement;
    // Not shown: hidden, in a closed <details>, or only for screen readers.
    if (!element.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) continue;
    if (element.closest('details:not([open]) > :not(summary)')) continue;
    if (element.closest('[hidden], .visually-hidden, .skip-link, script, style')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) {
      const shown = visible(element, rect);
      if (!shown) continue;
      if (shown.right > width + 1) problems.push(`"${text.slice(0, 40)}" runs out of the page`);
      boxes.push({rect: shown, element, text: text.slice(0, 40)});
    }
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.element === b.element) continue;
      const dx = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
      const dy = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
      if (dx > 2 && dy > 2) problems.push(`"${a.text}" is printed over "${b.text}"`);
    }
  }
  return problems.slice(0, 10);
}
"""


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app with the whole demo (``flask demo``: reports, incidents, publications)."""
    instance = tmp_path_factory.mktemp("layouts")
    app = create_app(
        settings_for(instance, f"sqlite:///{instance / 'demo.db'}", AUTO_MIGRATE="true")
    )
    loaded = app.test_cli_runner().invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output
    return app


@pytest.fixture(scope="module")
def seeds(demo_app: Flask) -> list[str]:
    """Pages a crawl may miss, because it visits one page per kind of address: the changes
    of the demo report that has an amendment (readable by its company and Meridian)."""
    with demo_app.app_context():
        session = db_session()
        amended = session.scalars(
            sa.select(Report).join(ReportRevision).where(ReportRevision.number == 2)
        ).first()
        assert amended is not None
        return [f"/reports/{amended.reference}/changes"]


@pytest.fixture(scope="module")
def demo_url(demo_app: Flask) -> Iterator[str]:
    """The demo site, served on localhost."""
    app = demo_app
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def demo_page(browser, demo_url: str):
    context = browser.new_context(base_url=demo_url)
    yield context.new_page()
    context.close()


def _sign_in(page, email: str | None) -> str:
    page.goto("/login")
    if email is None:
        page.goto("/")
        return "/"
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("main-nav").get_by_role("button", name="Sign out").wait_for()
    return str(urlsplit(page.url).path)


def _kind(path: str) -> str:
    """The kind of address: references, ids, taxonomy ids and secrets replaced by ``*``."""
    return re.sub(
        r"/(?:[A-Z]{3}-\d{4}-\d+|\d+|[a-z]+_[a-z0-9_]+|[A-Za-z0-9_-]{20,})(?=/|$)", "/*", path
    )


def _pages(page, base_url: str, start: str, seeds: list[str]) -> Iterator[str]:
    """The role's pages, one per kind of address, breadth first from ``start`` (and the
    ``seeds`` the role may read)."""
    queue, kinds = [start], {_kind(start)}
    for seed in seeds:
        response = page.goto(seed)  # a caller who may not read it lands elsewhere, or 403/404
        if response.ok and urlsplit(page.url).path == seed and _kind(seed) not in kinds:
            kinds.add(_kind(seed))
            queue.append(seed)
    for _ in range(MAX_PAGES):
        if not queue:
            return
        path = queue.pop(0)
        page.goto(path)
        yield path
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            target = urlsplit(urljoin(base_url + path, href))
            if target.netloc != urlsplit(base_url).netloc or SKIPPED.search(target.path):
                continue
            local = target.path + (f"?{target.query}" if target.query else "")
            kind = _kind(target.path)
            if kind not in kinds:
                kinds.add(kind)
                queue.append(local)


@pytest.mark.parametrize("email", ROLES, ids=lambda email: email or "anonymous")
def test_every_page_holds_its_layout_and_passes_axe(
    demo_page, demo_url: str, seeds: list[str], email, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Also keeps a full-page screenshot of each page at each width, to look at (the folder
    and the count are printed; ``pytest -s`` shows them)."""
    from axe_playwright_python.sync_playwright import Axe

    page, base_url = demo_page, demo_url
    axe = Axe()
    start = _sign_in(page, email)
    shots = tmp_path_factory.mktemp(f"screenshots-{email or 'anonymous'}")
    found: dict[str, list[str]] = {}
    visited = 0
    for path in list(_pages(page, base_url, start, seeds)):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(path)
            visited += 1
            name = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
            problems = list(page.evaluate(LAYOUT_PROBLEMS))
            results = axe.run(page)
            problems += [
                f"axe {violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes)"
                for violation in results.response["violations"]
            ]
            if problems:
                found[f"{path} at {width}px"] = problems
    role = email or "anonymous"
    print(f"{role}: {visited // 2} pages at {WIDTHS} px, {visited} screenshots in {shots}")
    assert visited >= 2 * 3, visited
    assert not found, "\n".join(
        f"{where}: {problem}" for where, listed in found.items() for problem in listed
    )
