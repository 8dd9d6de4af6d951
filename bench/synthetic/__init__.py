"""Synthetic benchmark data: a realistic, clearly labelled, deterministic database of any size."""
