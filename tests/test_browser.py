"""Browser tests in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright), on
the fictional fixture council's site (tests/fixtures/council/)."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).parent.parent
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = ["", "iro/", "iro/2022-23/", "cp/2022-10-to-2023-09/", "qa/2023-04-to-2023-09/",
         "iro/2019-04-to-2019-12/", "glossary/", "about-the-data/", "accessibility/", "search/", "trends/",
         "trends/iro/children-in-care/", "privacy/"]


@pytest.fixture(scope="module")
def server(council_site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(council_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run 'invoke browser' (as root) to install it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_with_no_errors_and_no_third_party_requests(browser, server, path):
    page = browser.new_page()
    errors: list[str] = []
    hosts: set[str] = set()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: hosts.add(urlparse(r.url).hostname or ""))
    response = page.goto(server + path)
    assert response is not None and response.ok
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    assert errors == []
    assert hosts == {"127.0.0.1"}
    page.close()


@pytest.mark.parametrize("width", [320, 768, 1280])
@pytest.mark.parametrize("path", PAGES)
def test_no_horizontal_scrolling(browser, server, path, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(server + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    name = (path.strip("/").replace("/", "_") or "home") + f"-{width}.png"
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
    page.close()


ESCAPES = """() => [...document.querySelectorAll('body *')].filter(e => {
    if (getComputedStyle(e).position !== 'absolute') return false;
    let box = e.parentElement;
    while (box && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
    if (!box || box === document.body || box === document.documentElement) return false;
    const placed = e.offsetParent;  // the containing block
    return !(placed && (placed === box || box.contains(placed)));
}).map(e => e.className + ' in ' + e.closest('[id]')?.id)"""


@pytest.mark.parametrize("path", PAGES)
def test_nothing_absolutely_placed_escapes_its_scroll_box(browser, server, path):
    # The words a screen reader says for [c] are absolutely placed; in a table that scrolls
    # sideways, placed against the page instead of its box, they widened Bradford's pages by
    # 65px on a phone, wherever a hidden cell sat beyond the screen's edge.
    page = browser.new_page(viewport={"width": 320, "height": 900})
    page.goto(server + path)
    assert page.evaluate(ESCAPES) == []
    page.close()


def test_report_page_reads_completely_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "iro/2022-23/")
    text = page.locator("main").inner_text()
    assert "1,061" in text
    assert page.locator("table.app-table").count() >= 10
    assert page.locator("text=Symbols used on this page").count() == 1
    context.close()


def test_keyboard_reaches_skip_link_first_with_visible_focus(browser, server):
    page = browser.new_page()
    page.goto(server + "iro/2022-23/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "app-skip-link" in focused
    box = page.locator(".app-skip-link").bounding_box()
    assert box is not None and box["x"] >= 0, "the skip link is not visible when focused"
    background = page.evaluate("getComputedStyle(document.activeElement).backgroundColor")
    assert background == "rgb(255, 221, 0)"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main-content"
    page.close()


def test_keyboard_reaches_every_link_in_order(browser, server):
    page = browser.new_page()
    page.goto(server + "iro/")
    # Displayed ones only: the header's links are in the page twice, folded under a Menu
    # button for phones and in a row for wider screens, and only one of the two is shown.
    links = page.evaluate(
        "Array.from(document.querySelectorAll('a[href], summary, [tabindex=\"0\"]'))"
        ".filter(e => e.getClientRects().length > 0).length")
    seen = []
    for _ in range(links + 2):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    assert len(set(seen)) >= links
    page.close()


def test_chart_marks_have_titles_on_hover_and_touch_and_no_vega_runtime(browser, server):
    # Issue 15: the page loaded the whole Vega runtime (900 KB) only to redraw charts already
    # on the page, for tooltips. Each mark's <title> is the browser's own hover tooltip;
    # charts.js shows it where a mark is touched.
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server + "iro/2022-23/")
    figure = page.locator("figure.app-chart[id$='-placement_type']")
    assert figure.locator(".app-chart__graphic--wide").is_visible()
    assert not figure.locator(".app-chart__graphic--narrow").is_visible()
    bar = figure.locator(".app-chart__graphic--wide svg path:has(> title)").first
    title = bar.locator("title").text_content()
    assert title.startswith("Foster care: ") and title.split(": ")[1].replace(",", "").isdigit()
    bar.click()
    tip = page.locator(".app-chart__tip")
    assert tip.is_visible() and tip.inner_text() == title
    box = tip.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280
    page.mouse.click(5, 5)
    assert not tip.is_visible()
    assert not any("vega" in u for u in requests), requests
    assert all(u.startswith(server) for u in requests)
    page.close()


def _gzipped(site: Path, server: str, urls: list[str]) -> int:
    import gzip

    total = 0
    for url in dict.fromkeys(urls):
        path = site / urlparse(url).path.lstrip("/")
        path = path / "index.html" if path.is_dir() else path
        total += len(gzip.compress(path.read_bytes(), 9))
    return total


def test_a_chart_page_with_javascript_weighs_as_little_as_without(browser, server,
                                                                   council_site):
    # Issue 15: 309-335 KB gzipped with JavaScript against 10-36 KB without. Same-origin
    # files only, each gzipped as a server would send it.
    sizes = {}
    for js in (True, False):
        context = browser.new_context(java_script_enabled=js)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r, requests=requests: requests.append(r.url))
        page.goto(server + "iro/2022-23/")
        page.wait_for_load_state("networkidle")
        sizes[js] = _gzipped(council_site, server, [u for u in requests if u.startswith(server)])
        context.close()
    assert sizes[False] > 10_000, sizes  # the page and its styles were counted
    assert sizes[True] <= 60_000, sizes
    assert sizes[True] - sizes[False] <= 5_000, sizes  # charts.js and nothing heavier


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("path", ["iro/2022-23/", "cp/2022-10-to-2023-09/",
                                  "iro/2019-04-to-2019-12/", "trends/iro/children-in-care/"])
def test_on_a_phone_no_chart_is_wider_than_the_screen(browser, server, path, width):
    # Issue 14: charts kept their desktop width in a scroll box, so the point of a chart was
    # off-screen. A phone gets the narrow layout, which fits.
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(server + path)
    shown = page.locator(".app-chart__graphic:visible")
    assert shown.count() == page.locator("figure.app-chart").count() > 0
    assert page.locator(".app-chart__graphic--narrow:visible").count() == shown.count()
    wide = page.evaluate("""Array.from(document.querySelectorAll('.app-chart__graphic'))
        .filter(b => b.offsetParent !== null && b.scrollWidth > b.clientWidth + 1)
        .map(b => b.closest('figure').id + ' ' + b.scrollWidth + '>' + b.clientWidth)""")
    assert wide == []
    assert page.locator(".app-chart__graphic[tabindex]").count() == 0  # nothing to scroll
    page.close()


def test_a_chart_with_a_hidden_cell_is_read_once_and_in_words(browser, server):
    # Issue 14: with JavaScript on, hidden cells were read as "plotted: 0", each chart title
    # three times, and "[c]" as characters. The accessibility tree as a screen reader gets it.
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(server + "iro/2022-23/")
    page.wait_for_load_state("networkidle")
    index = page.evaluate("""Array.from(document.querySelectorAll('figure.app-chart')).findIndex(
        f => Array.from(f.querySelectorAll('table .app-symbol')).some(
            s => s.textContent.includes('[c]')))""")
    assert index >= 0, "the fixture has a chart whose table hides a cell"
    figure = page.locator("figure.app-chart").nth(index)
    figure.locator("summary").click()
    tree = figure.aria_snapshot()
    title = figure.locator("h3").inner_text()
    assert tree.count(title) == 1, tree
    assert "plotted" not in tree and "img" not in tree, tree
    cells = [line.strip() for line in tree.splitlines() if line.strip().startswith("- cell")]
    assert 'cell "hidden to protect privacy"' in tree, tree
    assert not [c for c in cells if "[c]" in c], cells
    assert figure.locator(".app-chart__description").inner_text() in tree
    # On a desktop no chart scrolls, so no chart box is a tab stop.
    overflowing = page.evaluate("""Array.from(document.querySelectorAll('.app-chart__graphic'))
        .filter(b => b.scrollWidth > b.clientWidth + 1).length""")
    assert page.locator(".app-chart__graphic[tabindex]").count() == overflowing
    # The breadcrumb's separator has no words.
    assert "›" not in page.locator("nav.app-breadcrumbs").aria_snapshot()
    page.close()


def test_on_a_phone_the_header_folds_its_links_under_a_menu_without_javascript(browser, server):
    # Issue 14: the header and navigation took 30-55% of a phone's first screen.
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + "iro/2022-23/")
    header = page.locator("header.app-header").bounding_box()
    assert header is not None and header["height"] <= 0.25 * 844, header
    menu = page.locator(".app-header__menu")
    assert menu.is_visible() and not page.locator(".app-header__list--wide").is_visible()
    first = menu.locator("a").first
    assert not first.is_visible()
    menu.locator("summary").click()
    assert first.is_visible()
    # On a laptop the links are a row and there is no Menu button.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not menu.is_visible() and page.locator(".app-header__list--wide a").first.is_visible()
    context.close()


def test_charts_are_complete_svg_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "iro/2022-23/")
    figure = page.locator("figure.app-chart[id$='-placement_type']")
    svg = figure.locator(".app-chart__graphic--wide svg")
    assert svg.get_attribute("aria-hidden") == "true"
    assert svg.locator("> title").text_content().startswith("Figure ")
    assert svg.locator("path > title").first.text_content().startswith("Foster care: ")
    assert "Foster care was the largest" in figure.locator(".app-chart__description").inner_text()
    figure.locator("summary").click()
    assert figure.locator("table.app-table").is_visible()
    context.close()


def test_pages_without_charts_do_not_load_the_chart_script(browser, server):
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server + "qa/2023-04-to-2023-09/")
    assert page.locator("figure.app-chart").count() == 0
    assert not any("charts.js" in u for u in requests)
    page.close()


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_wcag_22_aa_violations(browser, server, path):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.goto(server + path)
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                  for v in result.response["violations"]]
    assert violations == [], violations
    assert result.response["passes"], "axe ran no rules"
    page.close()


def test_axe_check_can_fail(browser):
    """The same check on a page with known faults reports them (so a pass means something)."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.set_content('<html><body><img src="x.png"><a href="#"></a>'
                     '<p style="color:#aaa;background:#fff">faint</p></body></html>')
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    ids = {v["id"] for v in result.response["violations"]}
    assert {"image-alt", "link-name", "color-contrast", "html-has-lang"} <= ids
    page.close()


@pytest.mark.parametrize(("query", "expected"), [("participation", "/iro/"),
                                                  ("core group", "/cp/2022-10-to-2023-09/")])
def test_static_search_finds_the_reports(browser, server, query, expected):
    page = browser.new_page()
    page.goto(server + "search/")
    box = page.get_by_label("Search the reports")
    box.fill(query)
    page.wait_for_selector(".pagefind-ui__result-link")
    links = [a.get_attribute("href") for a in page.locator(".pagefind-ui__result-link").all()]
    assert any(link.startswith(expected) for link in links), links
    page.keyboard.press("Tab")  # results are reachable by keyboard
    page.close()


def test_printing_a_report_from_the_browser(browser, server, tmp_path):
    """print.css in Chromium: no site navigation, folded sections open, page numbers in the
    margin (Chromium 131+), the source footer once at the top."""
    from transparency.output_audit import pdf_page_texts

    page = browser.new_page()
    page.goto(server + "iro/2022-23/")
    page.emulate_media(media="print")
    for hidden in (".app-header__nav", ".app-breadcrumbs", ".app-skip-link", ".app-back-to-top",
                   ".app-footer"):
        assert not page.locator(hidden).first.is_visible(), f"{hidden} prints"
    for shown in (".app-print-footer", ".app-definitions", ".app-chart__data table",
                  ".app-chart__graphic svg"):
        assert page.locator(shown).first.is_visible(), f"{shown} does not print"
    path = tmp_path / "printed.pdf"
    page.pdf(path=str(path), prefer_css_page_size=True)
    page.close()
    texts = pdf_page_texts(path)
    assert len(texts) > 10
    assert all(f"Page {n} of {len(texts)}" in text for n, text in enumerate(texts, start=1))
    assert "Source: Independent Reviewing Officers Annual Report 2022/23" in texts[0]


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 800)])
def test_the_first_screen_shows_the_main_points_and_a_number(browser, server, viewport):
    # Issue 14: the first number was 1,527px down on a phone, below the first screen on a
    # laptop. The main points come first, with their figures; on a laptop the headline cards
    # begin on the first screen too.
    width, height = viewport
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server + "iro/2022-23/")
    first = page.locator("#main-points + ul li").first
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= height, box
    assert any(ch.isdigit() for ch in first.inner_text())
    cards = page.locator(".app-card").first.bounding_box()
    assert cards is not None
    if width >= 1280:
        assert cards["y"] < height, cards
    page.close()
