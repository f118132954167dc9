"""Ingest: discover article URLs, fetch them politely, extract clean articles."""
