"""Uploads: images and PDFs members attach to ideas (and later to pilot updates).

Files are judged by their content, images are re-encoded without metadata, and everything is
stored outside ``static/`` under random keys, served with headers that stop browsers from
running anything they contain.
"""
