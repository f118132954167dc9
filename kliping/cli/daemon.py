"""``kliping daemon``: keep every configured source current, until stopped."""

from __future__ import annotations

import click

from ingest.daemon import Daemon, DaemonLock
from ingest.daemon.logfmt import use_key_value_logs
from kliping.app import Kliping
from kliping.cli import pass_app


@click.command("daemon")
@pass_app
def command(app) -> None:  # type: ignore[no-untyped-def]
    """Crawl every source on its schedule until SIGTERM or Ctrl-C.

    Each source runs on its `schedule` (cron) or `every` (interval). A source
    that keeps failing is backed off; every article response is kept in WARC
    files under data_dir/warc. SIGTERM finishes the page in hand and exits 0.
    Only one daemon may run per data_dir (exit 4 names the one that does).
    Logs are key=value lines on stderr; pass --log-level info to see each run.

    \b
    Examples:
      kliping --log-level info daemon
      systemctl start kliping      # see deploy/kliping.service
    """
    config = app.config
    if not config.sources:
        raise click.UsageError("config.yaml lists no sources; add one under `sources:`")
    use_key_value_logs()
    lock = DaemonLock(config.data_dir).acquire()  # AlreadyRunning: exit 4, naming the running daemon
    try:
        raise SystemExit(_serve(app))
    finally:
        lock.release()


def _serve(app: Kliping) -> int:
    from kliping.watch.service import WatchService

    archive = app.archive()
    watches = WatchService(app.config.watch, archive, app.index()).start()  # saved searches: `kliping watch`
    try:
        with app.fetching(archive) as fetcher:
            return Daemon(app.config, fetcher, archive, app.index(), on_indexed=watches.notify).run()
    finally:
        watches.stop()
