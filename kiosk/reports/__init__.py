"""Printed output: the supervisor tally and the citizen slip."""
