"""The initiatives library: documented initiatives, filterable, linked from lessons."""
