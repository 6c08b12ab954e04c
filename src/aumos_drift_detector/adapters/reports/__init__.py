"""Rendering drift reports."""
