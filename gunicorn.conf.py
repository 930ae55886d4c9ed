"""How gunicorn serves the platform, read by every server of it: ``make run`` (serve.py), the
systemd unit, the benchmarks and the test harnesses (gunicorn reads this file from the
working directory by itself).

One gevent worker: each open WebSocket of a live page is a greenlet, not an OS thread, so one
process holds thousands of watchers while pages keep answering (bench/results-watchers.txt:
2,000 watchers, page p95 unchanged; the threading worker stopped answering pages at 200).
gevent patches the standard library in the worker before the app is imported.
"""

import os

worker_class = "gevent"
# Open connections one process accepts: live pages (one WebSocket each) plus requests.
worker_connections = int(os.environ.get("LIVINGLAB_CONNECTIONS", "5000"))
workers = 1
# Open WebSockets keep a process busy until this many seconds after a stop; then it stops.
graceful_timeout = 20
