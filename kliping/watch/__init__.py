"""Saved searches that alert: match what each crawl adds, record it once, deliver it until it lands.

::

    daemon: crawl -> archive (seq) -> index catch-up -> WatchService.notify()
    WatchService thread:
        WatchMatcher.check(): per watch, the archive changes after its watermark that the
            index already holds, through the search engine (restricted to those ids);
            matches + outbox rows + watermark advance in ONE transaction (index/watches.py)
        Dispatcher.run_due(): each due outbox row -> webhook POST / e-mail -> done,
            or retried with exponential back-off, or failed past watch.max_age

The modules are apart so the API's Atom feed (:mod:`kliping.watch.feed`) loads
neither the search engine nor the HTTP client.
"""
