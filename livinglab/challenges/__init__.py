"""Challenges: heritage problems proposed by members and published by a lead city."""
