"""Flags from members and the moderators' decisions on comments, challenges and ideas."""
