"""Retraining: the policy that decides a model must be retrained, the triggers it records, and their port."""
