"""In-app notifications, rendered in the reader's language when shown."""
