"""Techniekpact monitor: bèta/technical education choice per Dutch region."""
