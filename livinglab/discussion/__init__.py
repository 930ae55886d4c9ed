"""Threaded, live discussion on challenges, ideas and pilots."""
