"""Members following challenges, ideas and (later) pilots, for their notifications."""
