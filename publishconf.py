"""Settings for publishing: pelicanconf.py plus only what publishing changes.

The site address comes from the environment (SITEURL), never from this file.
"""

import os
import sys

sys.path.append(os.path.dirname(__file__))

from pelicanconf import *

SITEURL = os.environ.get("SITEURL", "").rstrip("/")
RELATIVE_URLS = False
if SITEURL:
    # Feeds and the sitemap need absolute addresses, so they are made only when the site's
    # address is known.
    FEED_DOMAIN = SITEURL
    FEED_ALL_ATOM = "feeds/reports.atom.xml"
# Draft periods are never published; hand-typed small counts fail the build.
TRANSPARENCY = {**TRANSPARENCY, "NARRATIVE_LINT_STRICT": True, "INCLUDE_DRAFTS": False}
