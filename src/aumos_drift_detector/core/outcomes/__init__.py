"""Prediction outcomes: feeding each monitor's concept-drift detector and checkpointing its state."""
