"""Detections: the drift run, its stored result, its consequences, reading them back, ports."""
