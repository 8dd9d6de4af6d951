"""Intercept Watch: where NATO member states stand on intercepting Russian missiles over Ukraine."""

__version__ = "0.1.0"
