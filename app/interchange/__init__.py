"""Interchange domain."""
