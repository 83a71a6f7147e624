"""Reusable widgets of the kiosk's screens."""
