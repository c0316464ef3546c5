"""Orchestron storage on SQLite."""
