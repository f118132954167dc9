"""``kliping watch``: saved searches that alert when the daemon archives a matching article."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import click

from index.watches import Watch, WatchStore, check_name, now_iso
from kliping.app import Kliping
from kliping.cli import pass_app
from kliping.cli.options import json_option
from kliping.errors import DeliveryFailed, WatchError

#: Matches ``watch test`` shows.
TEST_SHOWN = 5


@click.group("watch")
def command() -> None:
    """Saved searches that alert: the daemon checks each one against what every crawl adds.

    Each matching article is delivered once per watch, by webhook (a signed JSON
    POST), e-mail, and the watch's Atom feed on the API (/watches/NAME.atom).
    Undelivered alerts are retried with back-off; see `kliping watch list`.

    \b
    Examples:
      kliping watch add karhutla "kebakaran hutan Riau" --webhook https://example.org/hook
      kliping watch add banjir-jkt "banjir Jakarta" --source kompas --email desk@example.org
      kliping watch list
      kliping watch test karhutla --send
      kliping watch rm karhutla
    """


def _store(app: Kliping) -> WatchStore:
    return WatchStore(app.archive())


def _check_webhook(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise WatchError(f"--webhook {url!r} is not an http(s) URL; give the receiver's full URL, "
                         "e.g. https://example.org/kliping-hook")
    return url


def _check_email(app: Kliping, address: str) -> str:
    if "@" not in address.strip("@") or any(c.isspace() for c in address):
        raise WatchError(f"--email {address!r} is not an e-mail address, e.g. desk@example.org")
    if not app.config.watch.smtp_host:
        raise WatchError("e-mail alerts need an SMTP server: set watch.smtp_host (and smtp_port) in config.yaml")
    return address


def _check_query(query: str) -> None:
    """Reject a query the engine cannot read now, not in the daemon later."""
    from index.schema import build_schema
    from search.query import parse_query

    parse_query(query, build_schema(), relax=False)


@command.command("add")
@click.argument("name")
@click.argument("query")
@click.option("--source", "sources", multiple=True, metavar="NAME", help="Only this source (repeat for several).")
@click.option("--webhook", metavar="URL", help="POST each match here as signed JSON.")
@click.option("--email", metavar="ADDR", help="Mail each match here (needs watch.smtp_host).")
@pass_app
def add(app: Kliping, name: str, query: str, sources: tuple[str, ...], webhook: str | None,
        email: str | None) -> None:
    """Save QUERY as the watch NAME; it alerts on articles archived from now on.

    Every word of QUERY must be in an article (unlike `kliping search`, which
    also ranks articles holding some of them); phrases, ATAU/OR, BUKAN/NOT,
    fields and wildcards work as in search.

    \b
    Examples:
      kliping watch add karhutla "kebakaran hutan Riau" --webhook https://example.org/hook
      kliping watch add sanksi '"sanksi Rusia" ATAU embargo' --source kompas --source detik
    """
    check_name(name)
    _check_query(query)
    watch = Watch(name=name, query=query, sources=list(sources), webhook=_check_webhook(webhook) if webhook else None,
                  email=_check_email(app, email) if email else None)
    saved = _store(app).add(watch)
    ways = ", ".join(f"{c} {t}" for c, t in saved.channels()) or "its Atom feed only"
    click.echo(f"watch {saved.name} saved: {saved.query!r}; alerts by {ways}; from archive change {saved.watermark} on")
    from ingest.alerts.signing import resolve_secret

    if webhook and not resolve_secret(app.config.watch.secret):
        click.echo("note: no watch.secret (or KLIPING_WATCH_SECRET) is set, so its webhook POSTs go unsigned",
                   err=True)


@command.command("list")
@json_option
@pass_app
def list_(app: Kliping, as_json: bool) -> None:
    """List the watches with their matches and deliveries (pending, done, failed).

    \b
    Example:
      kliping watch list --json
    """
    store = _store(app)
    watches, stats, top = store.all(), store.stats(), app.archive().max_seq()
    if as_json:
        click.echo(json.dumps([{**w.to_dict(), **stats[w.name]} for w in watches], ensure_ascii=False, indent=2))
        return
    if not watches:
        click.echo("no watches; add one with kliping watch add NAME QUERY")
        return
    for watch in watches:
        s = stats[watch.name]
        where = f" in {', '.join(watch.sources)}" if watch.sources else ""
        click.echo(f"{watch.name}: {watch.query!r}{where}")
        ways = ", ".join(f"{c} {t}" for c, t in watch.channels()) or "Atom feed only"
        click.echo(f"  to {ways}; {s['matches']} matches; deliveries: {s['done']} done, {s['pending']} pending, "
                   f"{s['failed']} failed; checked up to archive change {watch.watermark} of {top}")
        if s["last_error"]:
            click.echo(f"  last error: {s['last_error']}")
        if s["failed"]:
            click.echo(f"  {s['failed']} alerts gave up after watch.max_age; send them again: "
                       f"kliping watch retry {watch.name}")


@command.command("rm")
@click.argument("name")
@pass_app
def rm(app: Kliping, name: str) -> None:
    """Remove the watch NAME, its ledger and its undelivered alerts.

    \b
    Example:
      kliping watch rm karhutla
    """
    _store(app).remove(name)
    click.echo(f"watch {name} removed")


@command.command("retry")
@click.argument("name")
@pass_app
def retry(app: Kliping, name: str) -> None:
    """Queue the alerts of NAME that failed (past watch.max_age) again; the daemon sends them.

    \b
    Example:
      kliping watch retry karhutla
    """
    count = _store(app).retry_failed(name)
    click.echo(f"{count} failed alerts of {name} queued again")


@command.command("test")
@click.argument("name")
@click.option("--send", is_flag=True, help="Also send a test event (type watch.test) to the webhook and e-mail.")
@json_option
@pass_app
def test(app: Kliping, name: str, send: bool, as_json: bool) -> None:
    """Run the watch NAME over the whole archive now and show its newest matches.

    With --send, a `watch.test` event carrying the newest match goes to each of
    its receivers, signed as real alerts are; exit 1 if one refuses it.

    \b
    Examples:
      kliping watch test karhutla
      kliping watch test karhutla --send
    """
    from search.engine import SearchRequest

    watch = _store(app).get(name)
    results = app.engine().search(SearchRequest(watch.query, sources=list(watch.sources), strict=True,
                                                sort="newest", limit=TEST_SHOWN, snippets=False))
    sent: list[dict[str, str]] = []
    if send:
        sent = _send_test(app, watch, results.hits[0].id if results.hits else None)
    if as_json:
        click.echo(json.dumps({"watch": watch.to_dict(), "total": results.total,
                               "hits": [h.to_dict() for h in results.hits], "sent": sent}, ensure_ascii=False,
                              indent=2))
    else:
        click.echo(f"{watch.name}: {results.total} articles in the archive match {watch.query!r}; newest:")
        for hit in results.hits:
            click.echo(f"  {hit.published or 'undated'}  {hit.source}  {hit.title}\n      {hit.url}")
        for line in sent:
            click.echo(f"sent to {line['channel']} {line['target']}: {line['result']}")
    if any(line["result"] != "ok" for line in sent):
        raise SystemExit(1)


def _send_test(app: Kliping, watch: Watch, sample_id: str | None) -> list[dict[str, str]]:
    from ingest.alerts.mail import send_mail
    from ingest.alerts.signing import resolve_secret
    from ingest.alerts.webhook import post_event
    from kliping.watch.events import mail_text, test_event
    from kliping.watch.keys import delivery_key

    if not watch.channels():
        raise WatchError(f"watch {watch.name} has no webhook or e-mail to send to (its Atom feed needs no test)")
    settings = app.config.watch
    sample = app.archive().get(sample_id) if sample_id else None
    sent_at = now_iso()
    event = test_event(watch, sample, key=delivery_key(watch.name, watch.created_at, f"test-{sent_at}"),
                       sent_at=sent_at)
    out = []
    for channel, target in watch.channels():
        try:
            if channel == "webhook":
                post_event(target, event, key=event["id"], secret=resolve_secret(settings.secret),
                           timeout=settings.timeout)
            else:
                subject, text = mail_text(event)
                send_mail(settings, target, subject, text, key=event["id"])
            result = "ok"
        except DeliveryFailed as exc:
            result = str(exc)
        out.append({"channel": channel, "target": target, "result": result})
    return out
