"""Kios IKD: an offline-first kiosk for IKD (KTP digital) registration and activation."""

__version__ = "0.1.0"
