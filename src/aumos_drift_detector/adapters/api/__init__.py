"""The HTTP API: FastAPI app factory, routes, schemas, auth and error mapping."""
