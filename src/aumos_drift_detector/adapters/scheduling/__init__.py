"""Scheduling adapters: cron expressions evaluated with croniter."""
