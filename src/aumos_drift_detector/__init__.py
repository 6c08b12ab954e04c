"""aumos-drift-detector: statistical and concept drift detection for deployed ML models."""

__version__ = "0.1.0"

__all__ = ["__version__"]
