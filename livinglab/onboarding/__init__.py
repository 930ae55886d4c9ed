"""A newcomer's first steps: the terms and privacy notice they accept, and the welcome page."""
