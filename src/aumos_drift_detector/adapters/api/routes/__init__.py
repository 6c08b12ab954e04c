"""HTTP route modules, one per resource."""
