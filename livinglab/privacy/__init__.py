"""A member's rights over their data: a full export, and deleting the account."""
