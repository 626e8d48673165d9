"""Sections of the dashboard page: each module holds its layout and its callbacks."""
