"""Ideas answering open challenges, written alone or as cross-city teams."""
