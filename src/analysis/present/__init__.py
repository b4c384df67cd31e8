"""Presentation: Dutch text and numbers, house style, charts."""
