"""Settings for publishing: pelicanconf.py plus only what publishing changes.

The site address comes from the environment (SITEURL), never from this file.
"""

import os
import sys

sys.path.append(os.path.dirname(__file__))

from pelicanconf import *

SITEURL = os.environ.get("SITEURL", "")
RELATIVE_URLS = False
TRANSPARENCY = {**TRANSPARENCY, "NARRATIVE_LINT_STRICT": True}
