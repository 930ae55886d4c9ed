"""The statistics dashboard and the participation profile behind its aggregates."""
