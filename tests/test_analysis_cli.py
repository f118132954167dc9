"""``kliping stem``: words as arguments and from stdin, one word<TAB>root per line."""

from __future__ import annotations

from click.testing import CliRunner

from kliping.cli.stem import command


def test_stem_words_given_as_arguments() -> None:
    result = CliRunner().invoke(command, ["perbankan", "anak-anak"])
    assert result.exit_code == 0
    assert result.output == "perbankan\tbank\nanak-anak\tanak\n"


def test_stem_reads_stdin_when_no_words() -> None:
    result = CliRunner().invoke(command, [], input="Pemerintah menaikkan harga BBM\n")
    assert result.exit_code == 0
    assert "menaikkan\tnaik" in result.output.splitlines()
    assert "bbm\tbbm" in result.output.splitlines()


def test_stem_keeps_whole_what_the_index_keeps_whole() -> None:
    """An all-capitals word is an acronym to the index (never stemmed); the command says the same."""
    result = CliRunner().invoke(command, ["DIBAWA", "dibawa"])
    assert result.output.splitlines() == ["dibawa\tdibawa", "dibawa\tbawa"]


def test_stem_help_has_an_example() -> None:
    result = CliRunner().invoke(command, ["--help"])
    assert "kliping stem perbankan" in result.output
