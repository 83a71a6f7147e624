"""One screen (or citizen-flow step) per module."""
