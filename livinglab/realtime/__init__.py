"""Socket.IO: connection authentication and rooms (discussion events come with their issue)."""
