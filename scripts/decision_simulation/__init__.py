"""Seeded simulations of the service's decisions: the alert budget, detection delays, diabetes, concept drift.

Every simulation calls the service's own code: the statistical engine, ``RunService.store`` (the
decision under the monitor's rules with its sequential detectors, then the alert lifecycle) on the
in-memory storage, and the concept use case. ``scripts/simulate_decisions.py`` runs them.
"""
