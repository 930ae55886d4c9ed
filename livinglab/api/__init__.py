"""The JSON API v1 (DESIGN.md, "Public interface"): thin faces over the same services."""
