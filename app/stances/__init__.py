"""Stances: the aggregation rule and the stored scores it produces."""
