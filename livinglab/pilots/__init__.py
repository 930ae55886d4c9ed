"""Pilots: ideas approved by a host city, tracked until they become replicable good practices."""
