"""Pelican settings for local builds. publishconf.py overrides what publishing changes."""

from pathlib import Path

from transparency import THEME_PATH

HERE = Path(__file__).parent.resolve()

AUTHOR = "Children's Services"
SITENAME = "Children's social care reports"
SITEURL = ""
RELATIVE_URLS = False
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en-GB"

PATH = str(HERE / "content")
# The engine's theme; this site's own templates in theme/templates override it one by one.
THEME = str(THEME_PATH)
THEME_TEMPLATES_OVERRIDES = [str(HERE / "theme" / "templates")]
# Always explicit: with PLUGINS unset Pelican would load every installed plugin.
PLUGINS = ["transparency"]

TRANSPARENCY = {
    "ORGANISATION": "City of Bradford Metropolitan District Council",
    "AREA": "Bradford",
    "DATA_PATH": str(HERE / "data"),
    "CHART_CACHE": str(HERE / ".cache" / "charts"),
    "DATA_CACHE": str(HERE / ".cache" / "data"),
    "PDF_CACHE": str(HERE / ".cache" / "pdf"),
    # The council in the DfE's statistics: its tables are also published in the DfE's open
    # data format (Explore Education Statistics), with these geography columns.
    "LA_CODE": "E08000032",
    "OLD_LA_CODE": "380",
    "REGION_CODE": "E12000003",
    "REGION_NAME": "Yorkshire and The Humber",
    # Local builds and `invoke serve` show draft periods (with a banner) for preview.
    "INCLUDE_DRAFTS": True,
}

# Articles are the report narratives, in one folder per report kind: the engine takes the
# folders from TRANSPARENCY['REPORTS'], so a report kind is declared once.
PAGE_PATHS = ["pages"]
STATIC_PATHS: list[str] = []
USE_FOLDER_AS_CATEGORY = True
DEFAULT_CATEGORY = "misc"

ARTICLE_URL = "{category}/{period_slug}/"
ARTICLE_SAVE_AS = "{category}/{period_slug}/index.html"
CATEGORY_URL = "{slug}/"
CATEGORY_SAVE_AS = "{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
INDEX_SAVE_AS = "index.html"

# Pages we do not publish.
TAGS_SAVE_AS = ""
TAG_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "search"]
SEARCH_SAVE_AS = "search/index.html"
DEFAULT_PAGINATION = False

FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {"permalink": False},
        "markdown.extensions.smarty": {},
    },
    "output_format": "html5",
}

CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = True
