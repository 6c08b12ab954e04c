"""Scheduling: the loop that runs each monitor at the due times of its cron, once across replicas."""
