"""The administration area: members, role requests, partners, moderation and the audit log."""
