"""Renderers: pure functions from one plan (or one answer) to text or data."""
