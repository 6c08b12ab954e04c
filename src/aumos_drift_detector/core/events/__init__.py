"""Events the service publishes: the event and its types, how each is built from its cause, and the outbox ports."""
