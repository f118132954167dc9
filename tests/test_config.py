"""config.yaml validation: every mistake names the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from kliping.config import load_config, parse_config, parse_interval
from kliping.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_config_is_valid() -> None:
    config = load_config(ROOT / "config.yaml")
    assert config.sources, "the shipped config should list real sources"
    assert all(s.feeds or s.sitemaps or s.start_urls for s in config.sources)


def test_relative_data_dir_is_taken_from_the_config_folder(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("data_dir: ./store\n")
    assert load_config(path).data_dir == (tmp_path / "store").resolve()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sources: [{name: a, feed: [http://x]}]",
            "sources[0] (a).feed: unknown key. Fix: did you mean 'feeds'?",
        ),
        ("datadir: x", "datadir: unknown key. Fix: did you mean 'data_dir'?"),
        ("sources: [{feeds: [http://x]}]", "sources[0].name: required but missing"),
        (
            "sources: [{name: a, article_url_pattern: '('}]",
            "article_url_pattern: '(' is not a valid regular expression",
        ),
        ("sources: [{name: a, schedule: '61 * * * *'}]", "schedule: '61 * * * *' is not a cron expression"),
        ("sources: [{name: a, every: 'sometimes'}]", "every: 'sometimes' is not an interval"),
        ("sources: [{name: a}, {name: a}]", "two sources are named 'a'"),
        ("fetch: {timeout: -1}", "fetch.timeout"),
        ("fetch: {deadline: 0}", "fetch.deadline"),
        ("fetch: {max_redirects: -1}", "fetch.max_redirects"),
        ("fetch: {robot_ttl: 60}", "fetch.robot_ttl: unknown key. Fix: did you mean 'robots_ttl'?"),
        ("api: {port: 70000}", "api.port"),
        ("- just a list", "the top level must be a mapping"),
        ("sources: [{name: a", "not valid YAML"),
        ("sources: [{name: 'a b'}]", "is not a usable name"),
        ("sources: [{name: a, index_url_template: 'https://x/{date.foo}'}]", "is not a usable index URL template"),
        ("sources: [{name: a, index_url_template: 'https://x/{date[0]}'}]", "is not a usable index URL template"),
        ("sources: [{name: a, schedule: '*/5 * * * *', every: 5m}]", "sets both schedule and every; keep one"),
    ],
)
def test_invalid_config_names_the_key(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert expected in str(info.value)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config("sources: [{name: a, schedule: 'x', feed: []}]")
    message = str(info.value)
    assert "schedule" in message and "feed: unknown key" in message


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--config PATH"):
        load_config(tmp_path / "nope.yaml")


def test_empty_file_is_an_empty_config() -> None:
    assert parse_config("").sources == []


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("15m", 900), ("2h", 7200), ("1d", 86400)])
def test_intervals(text: str, seconds: int) -> None:
    assert parse_interval(text) == seconds


def test_unknown_source_lists_the_configured_ones() -> None:
    config = parse_config("sources: [{name: kompas, feeds: [http://x]}]")
    with pytest.raises(ConfigError, match="configured: kompas"):
        config.source("tempo")
