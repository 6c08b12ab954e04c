"""The backtest: a history replayed through the service's own use cases, and the report of what they decided."""
