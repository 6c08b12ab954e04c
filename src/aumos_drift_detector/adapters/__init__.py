"""Adapters: one subpackage per technology, each implementing ports from ``core.interfaces``."""
