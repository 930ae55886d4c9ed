"""A member's own page: what they proposed, submitted, co-author, follow and must decide."""
