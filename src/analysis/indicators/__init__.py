"""Indicators: the rules (config), the engine that computes them, suppression, derived measures."""
