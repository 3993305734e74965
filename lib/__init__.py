"""Sammanhållen stad: computation and data access, free of any UI code."""
