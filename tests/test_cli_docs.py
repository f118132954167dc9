"""The command line documents itself: every command has --help with an example,
and the README documents every command and every config key."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kliping.cli import _MODULE_FOR, COMMAND_MODULES, main
from kliping.config import ApiConfig, Config, DaemonConfig, FetchConfig, IndexConfig, Source

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
NAMES = {module: command for command, module in _MODULE_FOR.items()}
COMMANDS = [NAMES.get(module, module) for module in COMMAND_MODULES]


def test_top_level_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    for command in COMMANDS:
        assert f"  {command}" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "kliping " in result.output.split("Options:")[0], "the docstring should show an example"


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_documents_every_command(command: str) -> None:
    assert f"kliping {command}" in README


@pytest.mark.parametrize(
    "key",
    [*Config.model_fields, *(f"fetch.{k}" for k in FetchConfig.model_fields),
     *(f"api.{k}" for k in ApiConfig.model_fields), *(f"daemon.{k}" for k in DaemonConfig.model_fields),
     *(f"index.{k}" for k in IndexConfig.model_fields),
     *(f"sources[].{k}" for k in Source.model_fields)],
)
def test_readme_documents_every_config_key(key: str) -> None:
    assert f"`{key.split('.')[-1]}`" in README, f"README's config reference lacks {key}"
