"""Revisions: the append-only history of every statement."""
