"""What kliping says of itself is true: its comments, its docstrings, its claims about what loads."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import ROOT
from corpus import corpus_records

import ingest.warc
import kliping.errors
from ingest.body import ACCEPT_ENCODING
from kliping.errors import KlipingError

# -- pyproject.toml ------------------------------------------------------------


def dependency_lines() -> list[str]:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip().startswith("\"")]  # (not comment lines)


def test_each_dependency_comment_sits_on_its_own_dependencys_line() -> None:
    for line in dependency_lines():
        assert line.count("#") <= 1, f"two comments glued on one line: {line}"
    by_name = {line.split('"')[1].split(">")[0]: line for line in dependency_lines()}
    assert "stemmer" in by_name["PySastrawi"]
    assert "stemmer" not in by_name["numpy"]


# -- the error tree ---------------------------------------------------------------


def drawn_tree() -> dict[str, str]:
    """Each class drawn in kliping.errors' docstring, with the class it is drawn under."""
    parents: dict[str, str] = {}
    stack = ["KlipingError"]
    for line in (kliping.errors.__doc__ or "").splitlines():
        found = re.match(r"^(\s*[│ ]*)[├└]── (\w+)", line)
        if not found:
            continue
        depth = (len(found.group(1)) - 4) // 4 + 1  # the root sits 4 columns in, each level 4 more
        del stack[depth:]
        parents[found.group(2)] = stack[-1]
        stack.append(found.group(2))
    return parents


def error_classes() -> list[type[KlipingError]]:
    """Every error kliping defines, in kliping.errors or beside the code that raises it."""
    import ingest.discover.base  # noqa: F401  (ingest.body is imported above)

    found, todo = [], [KlipingError]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in ("kliping", "ingest", "index", "search"):
                found.append(sub)
    return found


@pytest.mark.parametrize("cls", error_classes(), ids=lambda cls: cls.__name__)
def test_the_error_tree_draws_every_error_under_its_parent(cls: type[KlipingError]) -> None:
    tree = drawn_tree()
    assert cls.__name__ in tree, f"{cls.__name__} is missing from the tree in kliping/errors.py"
    assert tree[cls.__name__] == cls.__bases__[0].__name__


# -- the WARC module ---------------------------------------------------------------


def test_the_warc_docs_name_only_encodings_the_fetcher_undoes() -> None:
    said = re.search(r"\(([\w/]+) undone", ingest.warc.__doc__ or "")
    assert said, "the docstring says which encodings are undone"
    accepted = {name.strip() for name in ACCEPT_ENCODING.split(",")}
    assert set(said.group(1).split("/")) <= accepted, (said.group(1), ACCEPT_ENCODING)


# -- what loads ------------------------------------------------------------------------

PROBE = """
import sys
from kliping.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("fetcher loaded:", "httpx" in sys.modules or "ingest.fetch" in sys.modules)
"""


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("words")
    config = root / "config.yaml"
    config.write_text(f"data_dir: {root / 'data'}\nsources: []\n")
    (root / "some.jsonl").write_text("\n".join(json.dumps(r) for r in corpus_records(5, every=50)) + "\n")
    return config


@pytest.mark.parametrize("args", [["import", "{jsonl}"], ["search", "jakarta"], ["status"], ["reindex"]],
                         ids=lambda args: args[0])
def test_commands_that_do_not_fetch_never_load_the_fetcher(archived: Path, args: list[str]) -> None:
    """As kliping/app.py says: httpx and the fetcher load only for the commands that fetch."""
    args = [arg.format(jsonl=archived.parent / "some.jsonl") for arg in args]
    if args[0] != "import":
        run(archived, "import", str(archived.parent / "some.jsonl"))  # something to search, index, show
    assert run(archived, *args).stdout.splitlines()[-1] == "fetcher loaded: False"


def run(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, "--config", str(config), *args], capture_output=True,
                            text=True, timeout=120, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in result.stderr, result.stderr
    return result


API_PROBE = """
import sys
from kliping.config import load_config
from kliping.api import create_app

app = create_app(load_config(sys.argv[1]))
live = app.state.services.live
live.engine().search(__import__("search.engine").engine.SearchRequest(query="jakarta"))
live.sources()  # what /sources serves: kliping status's counts
live.health()
loaded = [name for name in ("click", "kliping.cli", "httpx", "feedparser", "protego", "ingest.fetch", "ingest.crawl",
                            "ingest.extract", "ingest.discover") if name in sys.modules]
print("loaded:", ",".join(loaded) or "none")
"""


def test_the_api_loads_no_command_line_and_no_crawler(archived: Path) -> None:
    """Importing the API and answering /search, /sources and /health loads neither click nor the crawler
    (it once loaded both through the CLI's status code); pyproject's import-linter contracts keep it so."""
    run(archived, "import", str(archived.parent / "some.jsonl"))
    result = subprocess.run([sys.executable, "-c", API_PROBE, str(archived)], capture_output=True, text=True,
                            timeout=120, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout.splitlines()[-1] == "loaded: none"
