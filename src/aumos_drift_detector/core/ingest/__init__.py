"""Monitor data: reference versions, production batches, their use cases, retention, ports."""
