"""Statements: who said what, in which office, when, with what condition, on what sources."""
