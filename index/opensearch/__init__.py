"""The search index on an OpenSearch cluster: the scale-out twin of :mod:`index.store`.

Documents carry kliping's own analysis (:mod:`.document`), written into fields the cluster only splits on
spaces, so both backends mean the same by a query; :mod:`.store` keeps the cluster in step with the archive
by the same watermark rules as the Whoosh index.
"""
