"""The production app as the fault tests serve it: ``gunicorn tests.faults.app_for_faults:app``.

Settings a test needs (for example rate limits off, so that a stream of writes is not
throttled) come as JSON in ``LIVINGLAB_TEST_OVERRIDES``; everything else is read from the
environment exactly as ``wsgi.py`` does.
"""

from __future__ import annotations

import json
import os

from livinglab import create_app

app = create_app(None, json.loads(os.environ.get("LIVINGLAB_TEST_OVERRIDES") or "{}"))
