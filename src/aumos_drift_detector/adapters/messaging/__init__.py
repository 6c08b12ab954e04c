"""Kafka publishing, the outbox relay and consumers."""
