"""Running the platform: structured logs, request ids, readiness, metrics, backups."""
