"""Authoring: what trainers see of the course files (preview with answer keys, translations)."""
