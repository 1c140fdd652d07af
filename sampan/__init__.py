"""Sampan: a self-hosted blog platform."""

__version__ = "0.1.0"
