"""The long-running ingest service: one scheduled job per source, one index writer.

::

    main thread: lock data_dir -> catch the index up -> schedule -> wait for SIGTERM/SIGINT
    pool (daemon.workers threads): run_source(source) for each due source
        backed off?  -> skip (logged)
        SourceCrawler.run: discover, fetch, extract, archive.upsert per article
        failure budget updated, next run persisted
        index catch-up (one at a time, behind a lock)
    on a signal: the stop event is set; each running crawl ends after the page in
    hand (already committed), records its run; the index catches up; exit 0

Nothing here is lost on kill -9: every article is committed on its own and the
index catches up from the archive's watermark on the next start.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from index.archive import Archive
from index.health import check_and_emit
from index.store import SearchIndex
from ingest.budget import FailureBudget
from ingest.crawl import Recheck, SourceCrawler, SourceSummary
from ingest.daemon.leasing import LeaseKeeper
from ingest.daemon.triggers import first_run, period_seconds, source_trigger
from ingest.fetch import Fetcher
from kliping.config import Config, Source
from kliping.errors import KlipingError

__all__ = ["Daemon"]

log = logging.getLogger(__name__)


class Daemon:
    """Schedules every configured source; ``run()`` blocks until a stop signal."""

    def __init__(self, config: Config, fetcher: Fetcher, archive: Archive, index: SearchIndex, *,
                 on_indexed: Callable[[], None] | None = None) -> None:
        settings = config.daemon
        #: Called after every index catch-up (the watches check what it added: kliping.watch.service).
        self.on_indexed = on_indexed
        self.config = config
        self.archive = archive
        self.index = index
        self.crawler = SourceCrawler(fetcher, archive, None)
        self.stop = self.crawler.stop
        self.budget = FailureBudget(archive, settings)
        self.recheck = Recheck(settings.seconds("recheck_within"), settings.seconds("recheck_every"))
        #: With a PostgreSQL archive shared by several daemons: which sources this one may crawl now.
        self.leases = LeaseKeeper.for_archive(archive, config)
        self._index_lock = threading.Lock()
        self._running = 0  # runs in progress; shutdown waits for them itself (see run())
        self._idle = threading.Condition()
        defaults = {"coalesce": True, "max_instances": 1, "misfire_grace_time": settings.seconds("misfire_grace")}
        self.scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(settings.workers)},
                                             job_defaults=defaults)

    # -- lifecycle ---------------------------------------------------------

    def run(self) -> int:
        """Serve until SIGTERM/SIGINT (or :meth:`request_stop`); returns the exit code."""
        self._install_signals()
        self.catch_up()
        if self.leases is not None:
            self.leases.start()
        self._schedule()
        self.scheduler.start()
        log.info("event=daemon_started sources=%d workers=%d", len(self.config.sources), self.config.daemon.workers)
        while not self.stop.wait(0.5):
            pass
        log.info("event=daemon_stopping reason=signal (finishing the pages in hand)")
        # Not shutdown(wait=True): APScheduler 3 holds its job-store lock while it joins the
        # workers, and a run that asks the scheduler for its next time would deadlock on it.
        self.scheduler.shutdown(wait=False)
        with self._idle:
            self._idle.wait_for(lambda: self._running == 0)
        if self.leases is not None:
            self.leases.stop()
        for source in self.config.sources:
            self.budget.set_next_run(source.name, None)
        self.catch_up()
        log.info("event=daemon_stopped")
        return 0

    def request_stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        if self.stop.is_set():
            log.warning("event=signal_again detail='still finishing the page in hand; kill -9 is safe too'")
        self.stop.set()

    def _install_signals(self) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.request_stop)
            signal.signal(signal.SIGINT, self.request_stop)

    def _schedule(self) -> None:
        runs = self.archive.last_runs()
        for source in self.config.sources:
            last = runs.get(source.name, {}).get("started_at")
            job = self.scheduler.add_job(
                self.run_source, source_trigger(source, self.config.daemon.jitter), args=[source],
                id=source.name, name=source.name, next_run_time=first_run(source, last),
            )
            self.budget.set_next_run(source.name, job.next_run_time)
            log.info("event=scheduled source=%s trigger=%r first_run=%s", source.name, str(job.trigger),
                     job.next_run_time.isoformat())

    # -- one run -------------------------------------------------------------

    def run_source(self, source: Source) -> SourceSummary | None:
        """One scheduled run; never raises (a failing source must not stop the daemon)."""
        with self._idle:
            self._running += 1
        try:
            if self.leases is not None and not self.leases.may_run(source.name):
                log.info("event=run_skipped source=%s reason=leased_elsewhere", source.name)
                return None
            try:
                return self._run_source(source)
            finally:
                if self.leases is not None:
                    self.leases.after_run(source.name)
        finally:
            with self._idle:
                self._running -= 1
                self._idle.notify_all()

    def _run_source(self, source: Source) -> SourceSummary | None:
        if self.stop.is_set():
            return None
        self._persist_next_run(source)
        try:
            until = self.budget.backing_off(source.name)
            if until:
                log.info("event=run_skipped source=%s reason=backoff until=%s", source.name, until)
                return None
            log.info("event=run_start source=%s", source.name)
            summary = self.crawler.run(source, recheck=self.recheck)
            if self.stop.is_set():  # a run cut short by a stop says nothing of the source's health
                log.info("event=run_stopped source=%s new=%d updated=%d", source.name, summary.new, summary.updated)
                self.catch_up()
                return summary
            state = self.budget.record(source.name, summary, interval=period_seconds(source))
            log.info("event=run_end source=%s found=%d new=%d updated=%d unchanged=%d skipped_robots=%d failed=%d "
                     "seconds=%.1f failures_in_a_row=%d", source.name, summary.found, summary.new, summary.updated,
                     summary.unchanged, summary.skipped_robots, summary.failed, summary.seconds, state.failures)
            for error in summary.errors[:20]:
                log.info("event=page_failed source=%s url=%s reason=%r", source.name, error["url"], error["reason"])
            self._check_health(source)
        except Exception:  # a bug in one run is logged with its traceback; the schedule goes on
            log.exception("event=run_crashed source=%s", source.name)
            return None
        self.catch_up()
        return summary

    def _check_health(self, source: Source) -> None:
        """Judge the source's health after its cycle, so a redesign raises an alarm within one cycle."""
        try:
            report = check_and_emit(self.archive, source.name)
        except KlipingError as exc:
            log.warning("event=health_check_failed source=%s reason=%r", source.name, str(exc))
            return
        except Exception:  # a bug in the check must not cost the cycle its index catch-up
            log.exception("event=health_check_crashed source=%s", source.name)
            return
        log.info("event=health source=%s status=%s alarms=%d", source.name, report.status, len(report.alarms))

    def _persist_next_run(self, source: Source) -> None:
        job = self.scheduler.get_job(source.name)
        try:
            self.budget.set_next_run(source.name, job.next_run_time if job else None)
        except KlipingError as exc:
            log.warning("event=state_write_failed source=%s reason=%r", source.name, str(exc))

    def catch_up(self) -> int:
        """Index what the archive gained; one writer at a time; a busy index is reported and retried later."""
        with self._index_lock:
            try:
                done = self.index.catch_up(self.archive)
            except KlipingError as exc:
                log.warning("event=index_catch_up_failed reason=%r (the next run retries)", str(exc))
                return 0
        if done:
            log.info("event=indexed documents=%d watermark=%d", done, self.index.watermark())
        if self.on_indexed is not None:
            self.on_indexed()
        return done
