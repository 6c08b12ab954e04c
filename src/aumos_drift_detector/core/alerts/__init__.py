"""Alerts: policy, lifecycle state machine, the use cases that open, update and resolve them, ports."""
