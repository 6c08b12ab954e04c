"""Predictions joined to delayed labels: the errors of a monitor fed to its concept detector in prediction order."""
