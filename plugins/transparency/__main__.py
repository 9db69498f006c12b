"""`python -m transparency new-site DIR --organisation "NAME"` (see cli.py)."""

import sys

from .cli import main

sys.exit(main())
