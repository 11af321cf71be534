"""The WSGI entry point for gunicorn or any WSGI server: socialhub.comments.wsgi:application.

The settings file is HUB_SETTINGS (default publishconf.py) in HUB_ROOT (default
the working folder); see docs/operating.md.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from socialhub.build import load_settings
from socialhub.comments.app import create_app
from socialhub.comments.config import load_config

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
_ROOT = Path(os.environ.get("HUB_ROOT", ".")).resolve()
_SETTINGS = load_settings(_ROOT / os.environ.get("HUB_SETTINGS", "publishconf.py"))
application = create_app(load_config(_SETTINGS, root=_ROOT))
