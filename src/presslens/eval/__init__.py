"""Data-set readers and scorers, one per task."""
