"""Ingest streams: production rows and prediction outcomes read from topics, applied exactly once."""
