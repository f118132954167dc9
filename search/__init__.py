"""Search: queries over the index, for the terminal and the HTTP API."""
