"""The partners' case-study library: existing heritage practices and what they inspired."""
