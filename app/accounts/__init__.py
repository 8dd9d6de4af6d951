"""Accounts: editors and admins, their sessions, API tokens and login attempts."""
