"""What kliping says of itself is true: its comments, its docstrings, its claims about what loads."""

from __future__ import annotations

from cli_runner import ROOT

# -- pyproject.toml ------------------------------------------------------------


def dependency_lines() -> list[str]:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_each_dependency_comment_sits_on_its_own_dependencys_line() -> None:
    for line in dependency_lines():
        assert line.count("#") <= 1, f"two comments glued on one line: {line}"
    by_name = {line.split('"')[1].split(">")[0]: line for line in dependency_lines()}
    assert "stemmer" in by_name["PySastrawi"]
    assert "stemmer" not in by_name["numpy"]
