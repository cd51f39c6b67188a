"""Watching feeds and sitemaps: polls sources on a schedule and stores every new article they list."""
