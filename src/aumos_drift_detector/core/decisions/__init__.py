"""Decisions: the verdict of a check, evidence accumulated over checks, and the alert budget that pages people."""
