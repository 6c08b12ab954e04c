"""The domain: entities, ports, errors, drift algorithms and use cases.

Nothing in this package imports a web framework, a database driver or a Kafka client; an
import-linter contract keeps it so.
"""
