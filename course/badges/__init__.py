"""Badges: awarded on completion, issued as Open Badges 2.0 (hosted) and 3.0 (signed)."""
