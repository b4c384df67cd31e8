"""The processed store: its schema, manifest and the `process` step that builds it."""
