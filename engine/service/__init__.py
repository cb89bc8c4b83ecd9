"""The engine as an HTTP service (``accountability serve``): answers, batches of answers and the
policy's published data, described by OpenAPI 3.1 whose bodies are the project's own JSON Schemas."""
