"""Adapters: one subpackage per technology, each implementing the ports ``core`` declares beside each concept."""
