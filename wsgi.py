"""Entry point for gunicorn and ``flask --app wsgi``."""

from livinglab import create_app
from livinglab.extensions import socketio

app = create_app()

if __name__ == "__main__":
    socketio.run(app, host="127.0.0.1", port=5000)
