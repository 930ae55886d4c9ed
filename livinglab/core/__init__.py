"""Home page, language switch, error pages and small helpers shared by the HTML faces."""
