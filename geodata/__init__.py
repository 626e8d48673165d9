"""Committed boundary artifacts and the script that builds them (see geodata/README.md)."""
