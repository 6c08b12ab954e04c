"""Kafka publishing, the outbox relay that moves committed events to the publisher, and its health checks."""
