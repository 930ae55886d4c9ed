"""``make run``: migrate, seed an empty database with the demo, then serve (livinglab/ops/serve.py).

gevent patches the standard library first, before Flask, SQLAlchemy or the app are imported:
everything made afterwards (locks, sockets, the database pool) then yields instead of blocking.
"""

from gevent import monkey

monkey.patch_all()

from livinglab.ops.serve import main  # noqa: E402 - only after the patching above

if __name__ == "__main__":
    main()
