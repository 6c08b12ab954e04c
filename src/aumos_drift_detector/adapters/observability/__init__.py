"""What the service counts for Prometheus beyond HTTP and the stream consumer.

* :mod:`.drift_state`: the stored drift state, read at each scrape;
* :mod:`.drift_events`: detections, run durations and ingested rows, counted as they happen;
* :mod:`.label_metrics`: the label joins of every source.
"""
