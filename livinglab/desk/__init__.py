"""The member's desk: what needs them now, by role, and the counts in the navigation."""
