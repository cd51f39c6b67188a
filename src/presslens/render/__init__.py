"""Rendering Article records: JSON, a terminal summary and a self-contained HTML report."""
