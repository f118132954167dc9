"""Searching an OpenSearch index with kliping's query language and ranking rules (see :mod:`.translate`)."""
