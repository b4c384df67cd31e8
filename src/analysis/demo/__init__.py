"""Synthetic demo dataset: same formats and quirks as the real files, unmistakably marked."""
