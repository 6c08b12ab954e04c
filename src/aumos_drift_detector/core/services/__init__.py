"""Use cases: they take ports as constructor arguments and never commit."""
