"""Index: the durable SQLite archive and the Whoosh index built from it."""

from index.whoosh_import import import_whoosh

import_whoosh()
