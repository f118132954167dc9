"""Loading and validating ``config.yaml``, the one place a user configures kliping.

The settings are declared once, as pydantic models with defaults; unknown keys
are errors. Every problem is reported as ``key: what is wrong. Fix: what to
write``, all problems at once, so a user fixes the file in one pass.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from apscheduler.triggers.cron import CronTrigger
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kliping.errors import ConfigError

_INTERVAL = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> int:
    """``15m`` -> 900 seconds. Raises ValueError with the accepted forms."""
    match = _INTERVAL.match(str(text))
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"{text!r} is not an interval; write a number and a unit, e.g. '30s', '15m', '2h', '1d'")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExtractSettings(_Strict):
    """Per-source overrides for the generic extractor, for when it falls short on a site.

    The extractor (``ingest.extract``) takes this section as it is, as its ``profile``.
    """

    body_selector: str | None = Field(
        None, description="CSS selector of the article body container (used when it matches; else the generic "
        "scorer finds the body).")
    drop_selectors: list[str] = Field(
        default_factory=list, description="CSS selectors of elements inside the body to delete first.")
    drop_phrases: list[str] = Field(
        default_factory=list, description="Paragraphs starting with one of these (case-insensitive) go.")
    second_opinion: bool = Field(
        True, description="Read the page with trafilatura too and keep its text (cleaned the same way) where "
        "kliping's own disagrees with it; off saves time on a site the generic path already reads well. "
        "Not used when body_selector is set.")


class Source(_Strict):
    """One news site: where to discover its articles and when."""

    name: str = Field(description="Short unique name, used in --source and search filters.")
    feeds: list[str] = Field(default_factory=list, description="RSS/Atom feed URLs.")
    sitemaps: list[str] = Field(default_factory=list, description="Sitemap or sitemap-index URLs.")
    start_urls: list[str] = Field(default_factory=list, description="Section or index pages to read links from.")
    article_url_pattern: str | None = Field(None, description="Regex an article URL must match.")
    schedule: str | None = Field(None, description="Cron expression (5 fields) for the daemon.")
    every: str | None = Field(None, description="Interval for the daemon instead of a cron: 30s, 15m, 2h.")
    max_articles: int = Field(200, ge=1, description="At most this many new articles per run.")
    extract: ExtractSettings = Field(default_factory=ExtractSettings)
    index_url_template: str | None = Field(None, description="Dated archive page for backfill.")
    zone: Literal["WIB", "WITA", "WIT"] = Field(
        "WIB", description="The site's own time zone, for counting its articles by day (kliping trend).")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", value or ""):
            raise ValueError(f"{value!r} is not a usable name; use letters, digits, '-', '_' or '.', e.g. 'kompas'")
        return value

    @field_validator("article_url_pattern")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(
                    f"{value!r} is not a valid regular expression ({exc}); "
                    r"e.g. '^https://www\.antaranews\.com/berita/\d+/'"
                ) from None
        return value

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                CronTrigger.from_crontab(value)
            except ValueError as exc:
                raise ValueError(
                    f"{value!r} is not a cron expression ({exc}); write five fields "
                    "'minute hour day month weekday', e.g. '*/30 * * * *' for every 30 minutes"
                ) from None
        return value

    @field_validator("every")
    @classmethod
    def _every(cls, value: str | None) -> str | None:
        if value is not None:
            parse_interval(value)
        return value

    @field_validator("index_url_template")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                filled = value.format(date=date(2024, 1, 31), page=2)
            except Exception:  # {date.foo}, {date[0]}, {x}, an unclosed brace: all the same mistake
                filled = ""
            if "{date" not in value or not filled.startswith(("http://", "https://")):
                raise ValueError(
                    f"{value!r} is not a usable index URL template; write an http(s) URL with "
                    "{date:%Y-%m-%d} (any strftime format) and optionally {page}, "
                    "e.g. 'https://www.example.com/indeks/{date:%Y-%m-%d}?page={page}'"
                )
        return value

    @model_validator(mode="after")
    def _one_timing(self) -> Source:
        if self.schedule and self.every:
            raise ValueError(f"source {self.name!r} sets both schedule and every; keep one "
                             "(schedule: '*/30 * * * *' or every: '30m')")
        return self

    @property
    def compiled_pattern(self) -> re.Pattern[str] | None:
        return re.compile(self.article_url_pattern) if self.article_url_pattern else None

    @property
    def interval_seconds(self) -> int | None:
        return parse_interval(self.every) if self.every else None


class FetchConfig(_Strict):
    """How politely and how far kliping fetches: ``ingest.fetch.Fetcher`` takes this section as it is."""

    user_agent: str = Field(
        "kliping/0.1 (+https://github.com/kliping/kliping)",
        description="Sent with every request; put a contact URL or e-mail in it.",
    )
    timeout: float = Field(
        20.0, gt=0, description="Seconds a request may wait to connect, or for any one read or write, before it is "
        "given up.")
    max_bytes: int = Field(5_000_000, gt=0, description="Largest response body accepted, after decompression.")
    min_interval: float = Field(1.0, ge=0, description="Seconds between two requests to the same host.")
    retries: int = Field(3, ge=0, description="Extra tries on 429, 5xx and timeouts.")
    respect_robots: bool = Field(True, description="Obey robots.txt (turn off only for your own sites).")
    deadline: float = Field(
        120.0, gt=0, description="Seconds one request may take in all, body included (stops a server that "
        "trickles its answer, which `timeout`, counted per read, never does).")
    backoff: float = Field(
        1.0, gt=0, description="Seconds the first retry waits at most (a random share of it, at least half); "
        "each further retry may wait twice as long, up to max_backoff.")
    max_backoff: float = Field(
        60.0, gt=0, description="Longest wait before a retry, in seconds; a server's Retry-After is honoured up to "
        "this.")
    max_redirects: int = Field(5, ge=0, le=50, description="Redirects followed from one URL before giving up.")
    robots_ttl: float = Field(86400.0, gt=0, description="Seconds a host's robots.txt is kept before it is read again.")
    robots_error_ttl: float = Field(
        3600.0, gt=0, description="Seconds a host whose robots.txt could not be read (5xx, unreachable) stays "
        "off limits before it is tried again; at most robots_ttl.")


def _checked_interval(value: str) -> str:
    parse_interval(value)
    return value


#: A setting written as an interval ('30s', '15m', '2h', '1d'), checked when the config loads.
Interval = Annotated[str, AfterValidator(_checked_interval)]


def _interval_field(default: str, description: str) -> Any:
    return Field(default, description=description + " An interval: 30s, 15m, 2h, 1d.")


class _WithIntervals(_Strict):
    """Settings with :data:`Interval` fields, read in seconds where they are used."""

    def seconds(self, name: str) -> int:
        """One of the interval settings in seconds, e.g. ``seconds("max_backoff")``."""
        return int(parse_interval(getattr(self, name)))


class DaemonConfig(_WithIntervals):
    """How ``kliping daemon`` schedules sources, backs off failing ones and keeps raw responses."""

    workers: int = Field(2, ge=1, le=16, description="Sources crawled at the same time (one thread each).")
    jitter: float = Field(
        30.0, ge=0, description="Up to this many seconds added at random to each run (at most a tenth of "
        "an interval schedule), so sources do not all start on the same second.")
    misfire_grace: Interval = _interval_field("5m", "A run that could not start on time still runs if this late.")
    failure_budget: int = Field(
        3, ge=1, description="Consecutive failed runs of a source before the daemon backs it off.")
    max_backoff: Interval = _interval_field("6h", "Longest pause of a backed-off source (it doubles up to this).")
    recheck_within: Interval = _interval_field("24h", "Articles first seen this recently are fetched again for edits.")
    recheck_every: Interval = _interval_field("3h", "How often such a recent article is fetched again.")
    warc: bool = Field(True, description="Keep every fetched article response in WARC files under data_dir/warc.")
    warc_max_bytes: int = Field(
        100_000_000, ge=10_000, description="Start a new WARC file once the current one is this big.")
    lease: Interval = _interval_field(
        "60s", "With a PostgreSQL archive: how long a daemon's claim on a source outlives its last heartbeat, "
        "so another daemon takes the source over this long after the first died.")



class ArchiveConfig(_Strict):
    """Where the archive lives: the embedded SQLite file under data_dir, or a PostgreSQL server."""

    url: str | None = Field(
        None, description="A postgresql://user@host:port/database URL to keep the archive on PostgreSQL "
        "(several daemons may then share it); unset: data_dir/archive.sqlite3. Give the password by "
        "PGPASSWORD or ~/.pgpass rather than here.")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError(f"{value!r} is not a PostgreSQL URL; write postgresql://USER@HOST:PORT/DATABASE, "
                             "or remove archive.url to keep the archive in data_dir")
        return value


class ApiConfig(_Strict):
    """The read-only HTTP query API (``kliping serve``)."""

    host: str = Field("127.0.0.1", description="Address to listen on.")
    port: int = Field(8750, ge=1, le=65535, description="Port to listen on.")
    token: str | None = Field(None, description="Bearer token required by every endpoint but /health.")
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed to call the API.")
    rate_limit: int = Field(120, ge=1, description="Requests per minute per client.")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For names the client.")

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, proxies: list[str]) -> list[str]:
        for proxy in proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"{proxy!r} is not an IP address or network; give the proxy's address, "
                                 "e.g. 127.0.0.1 or 10.0.0.0/8") from None
        return proxies


class WatchConfig(_WithIntervals):
    """Saved searches that alert (``kliping watch``): how alerts are signed, retried and mailed."""

    secret: str | None = Field(
        None, description="HMAC-SHA256 key that signs every webhook POST (X-Kliping-Signature); "
        "the KLIPING_WATCH_SECRET environment variable wins over it.")
    timeout: float = Field(10.0, gt=0, le=300, description="Seconds a webhook POST or an SMTP session may take.")
    backoff: Interval = _interval_field("5s", "Wait before the first retry of a failed delivery; each retry waits "
                                   "twice as long as the last.")
    max_backoff: Interval = _interval_field("1h", "Longest wait between two retries of a delivery.")
    max_age: Interval = _interval_field("3d", "A delivery still failing this long after its match is marked failed "
                                   "(shown by kliping watch list; kliping watch retry NAME sends it again).")
    smtp_host: str | None = Field(None, description="SMTP server for e-mail alerts (--email); none: no e-mail.")
    smtp_port: int = Field(25, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP session with STARTTLS.")
    smtp_user: str | None = Field(None, description="SMTP login; its password in KLIPING_SMTP_PASSWORD.")
    mail_from: str = Field("kliping@localhost", description="From address of e-mail alerts.")
    health_webhook: str | None = Field(
        None, description="URL that receives each source health alarm (README 'Source health') as a JSON POST, "
        "signed and retried like a watch's alerts; none: alarms are only logged and shown by kliping status.")

    @field_validator("health_webhook")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL; give the receiver's full URL, e.g. "
                             "https://hooks.example.org/kliping")
        return value



class SearchConfig(_Strict):
    """Searching: the name aliases a query expands by."""

    aliases: Path | None = Field(
        None, description="A file of your own alias groups, one per line ('Joko Widodo | Jokowi'), "
        "added to the shipped list.")


class IndexConfig(_Strict):
    """Where the search index lives: Whoosh in ``data_dir`` (the embedded default) or an OpenSearch cluster."""

    backend: Literal["whoosh", "opensearch"] = Field("whoosh", description="whoosh (embedded) or opensearch.")
    hosts: list[str] = Field(default_factory=lambda: ["http://127.0.0.1:9200"],
                             description="OpenSearch node URLs (any node answers; list several for failover).")
    index: str = Field("kliping", pattern=r"^[a-z0-9][a-z0-9_-]*$",
                       description="The alias searches read; each rebuild makes a new physical index behind it.")
    shards: int = Field(1, ge=1, le=1024, description="Primary shards of a new physical index.")
    replicas: int = Field(1, ge=0, le=16, description="Replicas of each shard (1: a node may fail).")
    timeout: float = Field(30.0, gt=0, description="Seconds one request to the cluster may take.")

    @field_validator("hosts")
    @classmethod
    def _urls(cls, hosts: list[str]) -> list[str]:
        if not hosts:
            raise ValueError("give at least one node URL, e.g. ['http://127.0.0.1:9200']")
        for host in hosts:
            if not re.match(r"^https?://[^/\s]+/?$", host):
                raise ValueError(f"{host!r} is not a node URL; write http://HOST:PORT, e.g. http://127.0.0.1:9200")
        return hosts


class Config(_Strict):
    """The whole of config.yaml."""

    data_dir: Path = Field(Path("./data"), description="Where the archive, the index and the WARC files live.")
    archive: ArchiveConfig = Field(default_factory=ArchiveConfig)
    fetch: FetchConfig = Field(default_factory=FetchConfig)
    api: ApiConfig = Field(default_factory=ApiConfig)
    daemon: DaemonConfig = Field(default_factory=DaemonConfig)
    watch: WatchConfig = Field(default_factory=WatchConfig)
    search: SearchConfig = Field(default_factory=SearchConfig)
    index: IndexConfig = Field(default_factory=IndexConfig)
    sources: list[Source] = Field(default_factory=list)

    @field_validator("sources")
    @classmethod
    def _unique(cls, sources: list[Source]) -> list[Source]:
        seen: set[str] = set()
        for source in sources:
            if source.name in seen:
                raise ValueError(f"two sources are named {source.name!r}; give each source its own name")
            seen.add(source.name)
        return sources

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"no source named {name!r} in the config (configured: {known})")


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate a config file; relative ``data_dir`` is taken from the file's folder."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such config file. Fix: copy config.yaml from the kliping repository, "
            "or pass --config PATH (or set KLIPING_CONFIG)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc})") from None
    config = parse_config(text, origin=str(path))
    if not config.data_dir.is_absolute():
        config = config.model_copy(update={"data_dir": (path.parent / config.data_dir).resolve()})
    _check_data_dir(config.data_dir, origin=str(path))
    aliases = config.search.aliases
    if aliases is not None and not aliases.is_absolute():
        search = config.search.model_copy(update={"aliases": (path.parent / aliases).resolve()})
        config = config.model_copy(update={"search": search})
    return config


def _check_data_dir(data_dir: Path, *, origin: str) -> None:
    """A data_dir that is a file, or lies under one, is a config mistake: said here, once, for every command."""
    for candidate in (data_dir, *data_dir.parents):
        if candidate.exists():
            if candidate.is_dir():
                return
            where = "is a file" if candidate == data_dir else f"cannot be created: {candidate} is a file"
            raise ConfigError(f"{origin}: data_dir {data_dir} {where}, not a directory; "
                              "set data_dir to a directory (it is created if missing)")


def parse_config(text: str, *, origin: str = "config.yaml") -> Config:
    """Validate YAML text; raise ConfigError naming each bad key and its fix."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: not valid YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: the top level must be a mapping of keys such as data_dir and sources")
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{origin} is invalid:\n" + "\n".join(_describe(e, data) for e in exc.errors())) from None


def _describe(error: Any, data: dict[str, Any]) -> str:
    """One pydantic error as ``  sources[0].schedule: message``."""
    where = _location(error["loc"], data)
    if error["type"] == "extra_forbidden":
        key = str(error["loc"][-1])
        allowed = _allowed_keys(error["loc"][:-1])
        hint = difflib.get_close_matches(key, allowed, n=1)
        fix = f"did you mean {hint[0]!r}?" if hint else f"remove it (allowed here: {', '.join(sorted(allowed))})"
        return f"  {where}: unknown key. Fix: {fix}"
    if error["type"] == "missing":
        return f"  {where}: required but missing. Fix: add it, e.g. `{error['loc'][-1]}: ...`"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"  {where}: {message}"


def _location(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int):
            name = node[item].get("name") if isinstance(node, list) and isinstance(node[item], dict) else None
            parts.append(f"[{item}]" + (f" ({name})" if name else ""))
        else:
            parts.append(("." if parts else "") + str(item))
        try:
            node = node[item]
        except (KeyError, IndexError, TypeError):
            node = None
    return "".join(parts)


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    model: Any = Config
    for item in loc:
        if isinstance(item, int):
            continue
        annotation = model.model_fields[item].annotation
        args = getattr(annotation, "__args__", None)
        model = args[0] if args else annotation
    return list(model.model_fields)
