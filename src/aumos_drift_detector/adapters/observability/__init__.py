"""Prometheus metrics of drift: the stored state read at each scrape, and counters of events as they happen."""
