"""Monitors: the configuration of what a deployed model is checked for and when, its use cases and its port."""
