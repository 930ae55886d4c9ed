"""Members' votes for ideas: one per idea, a budget per challenge, counted from the rows."""
