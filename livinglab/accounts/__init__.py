"""Accounts, roles and role requests."""
