"""Every internal link and asset in a built site resolves: a check run before a deploy.

Reads the finished HTML with the standard library's parser, so it runs wherever the build
does. A link is internal if it has no scheme, or if it starts with the site's own address
(publish builds write absolute addresses when SITEURL is set).
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

# (tag, attribute) pairs whose value is a link or an asset the page needs.
LINKED = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("source", "src")}
EXTERNAL_SCHEMES = {"http", "https", "mailto", "tel", "data"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            if (tag, name) in LINKED and value:
                self.urls.append(value.strip())


def _read(page: Path) -> _Page:
    parser = _Page()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


def broken_links(site: Path, site_url: str = "") -> list[str]:
    """Every internal href or src in the site's HTML that points at no file (or at no id on
    its page), as 'page: link'. Empty when all resolve."""
    site = site.resolve()
    site_url = site_url.rstrip("/")
    parsed: dict[Path, _Page] = {}

    def page_of(path: Path) -> _Page:
        if path not in parsed:
            parsed[path] = _read(path)
        return parsed[path]

    broken = []
    for page in sorted(site.rglob("*.html")):
        here = page_of(page)
        for url in here.urls:
            if site_url and (url == site_url or url.startswith(site_url + "/")):
                url = url[len(site_url):] or "/"
            elif urlparse(url).scheme in EXTERNAL_SCHEMES or url.startswith("//"):
                continue
            path, fragment = urldefrag(url)
            path = unquote(urlparse(path).path)
            if not path:
                target = page
            else:
                target = (site / path.lstrip("/")) if path.startswith("/") else (page.parent / path)
                target = target.resolve()
                if target.is_dir():
                    target = target / "index.html"
            if not target.is_file() or site not in (target, *target.parents):
                broken.append(f"{page.relative_to(site)}: {url}")
            elif fragment and target.suffix == ".html" and fragment not in page_of(target).ids:
                broken.append(f"{page.relative_to(site)}: {url} (no id '{fragment}')")
    return broken
