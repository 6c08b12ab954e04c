"""What the service counts for Prometheus beyond HTTP and the stream consumer: the label joins of every source."""
