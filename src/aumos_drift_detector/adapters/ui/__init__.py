"""The dashboard: server-rendered pages under ``/ui`` over the same use cases, roles and tenants as the API."""
