"""Index: the durable SQLite archive and the Whoosh index built from it."""
