"""Verification: anyone checks a badge (image, link, credential or JWT) without an account."""
