"""Adapters: one subpackage per technology, each implementing ports of ``core`` or of the HTTP layer."""
