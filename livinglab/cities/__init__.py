"""Partner cities of the Friendship Agreement."""
