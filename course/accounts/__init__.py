"""Accounts: sign-up with email confirmation, sessions, passwords, language, privacy."""
