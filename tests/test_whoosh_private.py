"""Whoosh's privates are used in :mod:`index.whoosh_private` only, and that module says which and where.

The scan reads kliping's own code (not Whoosh) and fails on what would let a
Whoosh release break kliping unnoticed: an attribute of a name the fence
declares (``segment._terms``), a string of one (``getattr(w, "_field_B")``),
an underscore name or a declared internal imported from Whoosh, an internal
read off a Whoosh module (``columns.NumericColumn.Reader``), and, in a class
derived from a Whoosh class, any underscore attribute of ``self`` that the
class does not define itself (an inherited private, like ``self._name``).
Whether the fenced code still does what Whoosh does is for the parity tests
against Whoosh's own searcher and readers (``test_search_vector.py``,
``test_docarrays.py``, ``test_search_reopen.py``); here, its few direct checks.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import whoosh
from packaging.requirements import Requirement
from whoosh import fields, formats, scoring
from whoosh.filedb.filestore import RamStorage

from index import whoosh_private
from index.whoosh_private import INTERNAL_NAMES, PRIVATE_NAMES, TESTED_VERSIONS

ROOT = Path(__file__).resolve().parents[1]
FENCE = "index/whoosh_private.py"
#: Code that may touch Whoosh's privates: the fence, and this test of it.
FENCED = {FENCE, "tests/test_whoosh_private.py"}
SCANNED = ("search", "index", "kliping", "benchmarks", "tests")

#: (file, name) uses allowed outside the fence, each with its reason; an entry no longer used fails.
EXEMPT = {
    ("tests/test_archive.py", "_values"): "the archive's own _values, not a Whoosh matcher's",
}


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _owned(cls: ast.ClassDef) -> set[str]:
    """Names a class defines itself: in its body, its ``__slots__``, or assigned on ``self``."""
    names: set[str] = set()
    for node in cls.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    names.add(target.id)
                    if target.id == "__slots__" and node.value is not None:
                        names.update(c.value for c in ast.walk(node.value)
                                     if isinstance(c, ast.Constant) and isinstance(c.value, str))
    for node in ast.walk(cls):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign | ast.AugAssign) else []
        for target in targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                names.add(target.attr)
    return names


def _root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


class _Scan(ast.NodeVisitor):
    """The Whoosh privates one module uses: (line, name, how)."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str, str]] = []
        self.whoosh_names: set[str] = set()  # names bound to Whoosh modules and classes
        self.classes: dict[str, tuple[bool, set[str]]] = {}  # class -> (derives from Whoosh, names it owns)
        self.current: list[tuple[bool, set[str]]] = []

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            parts = alias.name.split(".")
            if parts[0] == "whoosh":
                self.whoosh_names.add(alias.asname or "whoosh")
                for part in parts:
                    if _is_private(part) or part in INTERNAL_NAMES:
                        self.found.append((node.lineno, part, f"import {alias.name}"))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        parts = (node.module or "").split(".")
        if parts[0] != "whoosh":
            return
        for part in parts:
            if _is_private(part) or part in INTERNAL_NAMES:
                self.found.append((node.lineno, part, f"from {node.module} import"))
        for alias in node.names:
            self.whoosh_names.add(alias.asname or alias.name)
            if _is_private(alias.name) or alias.name in INTERNAL_NAMES:
                self.found.append((node.lineno, alias.name, f"from {node.module} import {alias.name}"))

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        derived, owned = False, _owned(node)
        for base in node.bases:
            root = _root(base)
            if root in self.whoosh_names:
                derived = True
            elif root in self.classes and self.classes[root][0]:
                derived = True
                owned |= self.classes[root][1]
        self.classes[node.name] = (derived, owned)
        self.current.append((derived, owned))
        self.generic_visit(node)
        self.current.pop()

    def visit_Attribute(self, node: ast.Attribute) -> None:
        name, value = node.attr, node.value
        on_self = isinstance(value, ast.Name) and value.id in ("self", "cls")
        on_super = isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super"
        derived, owned = self.current[-1] if self.current else (False, set())
        if name in PRIVATE_NAMES and not (on_self and not derived):
            self.found.append((node.lineno, name, ast.unparse(node)))
        elif derived and (on_self or on_super) and _is_private(name) and (on_super or name not in owned):
            self.found.append((node.lineno, name, f"{ast.unparse(node)} (inherited from Whoosh)"))
        elif name in INTERNAL_NAMES and _root(value) in self.whoosh_names:
            self.found.append((node.lineno, name, ast.unparse(node)))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and node.value in PRIVATE_NAMES:
            self.found.append((node.lineno, node.value, repr(node.value)))


def _uses(path: Path) -> list[tuple[int, str, str]]:
    scan = _Scan()
    scan.visit(ast.parse(path.read_text(), str(path)))
    return scan.found


def _scanned() -> Iterator[tuple[str, Path]]:
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative not in FENCED:
                yield relative, path


def test_no_whoosh_private_is_used_outside_the_fence() -> None:
    unfenced = [f"{relative}:{line}: {how}" for relative, path in _scanned()
                for line, name, how in _uses(path) if (relative, name) not in EXEMPT]
    assert not unfenced, "Whoosh privates outside index/whoosh_private.py (add a function there):\n" + "\n".join(
        unfenced)


def test_every_exemption_is_still_needed() -> None:
    used = {(relative, name) for relative, path in _scanned() for _, name, _ in _uses(path)}
    assert not EXEMPT.keys() - used, "no longer used: remove from EXEMPT"


def test_the_scan_sees_what_it_fences() -> None:
    """The scan flags each kind of use it is for (and lets the project's own privates be)."""
    code = '''
import whoosh.codec.whoosh3
from whoosh import columns
from whoosh.filedb.structfile import _SIZEMAP, BufferFile, StructFile

def f(segment, weighting):
    segment._terms.matcher("body", b"x", None)
    getattr(weighting, "_field_B", {})
    return columns.NumericColumn.Reader

class Mine(BufferFile):
    def __init__(self):
        self._own = 1
    def name(self):
        return self._own, self._name, super()._secret()

class Plain:
    def __init__(self):
        self._lengths = {}
    def get(self):
        return self._lengths, self._other
'''
    scan = _Scan()
    scan.visit(ast.parse(code))
    assert sorted(name for _, name, _ in scan.found) == sorted(
        ["whoosh3", "_SIZEMAP", "BufferFile", "_terms", "_field_B", "Reader", "_name", "_secret"])


def _fence_uses() -> set[str]:
    """The underscore names of Whoosh the fence module reads: attributes off other objects than ``self``,
    names in ``getattr``/``hasattr`` and its block attribute list, imports; and, in its classes derived from
    Whoosh's, every underscore attribute of ``self`` or ``super()`` but their own methods (assigned or read,
    it is Whoosh's state: the fence's subclasses keep none of their own)."""
    tree = ast.parse((ROOT / FENCE).read_text())
    scan = _Scan()
    scan.visit(tree)
    used: set[str] = set()
    for cls in ast.walk(tree):
        if isinstance(cls, ast.ClassDef) and scan.classes[cls.name][0]:
            methods = {node.name for node in cls.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
            used.update(node.attr for node in ast.walk(cls) if isinstance(node, ast.Attribute) and _is_private(
                node.attr) and node.attr not in methods and _root(node.value) in ("self", "cls", "super"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr) and not (
                isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            used.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            used.update(alias.name for alias in node.names if _is_private(alias.name))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
                "getattr", "hasattr") and isinstance(node.args[1], ast.Constant):
            used.add(node.args[1].value)
    return used


def test_the_fence_declares_exactly_the_privates_it_uses() -> None:
    assert _fence_uses() == PRIVATE_NAMES
    docs = whoosh_private.__doc__ or ""
    assert not [name for name in PRIVATE_NAMES | INTERNAL_NAMES if f"{name}``" not in docs]


def test_an_untested_whoosh_is_refused_with_the_way_out() -> None:
    whoosh_private.check_version()  # the installed one
    with pytest.raises(whoosh_private.UntestedWhoosh, match=r"whoosh-reloaded 2\.7\.5.* 2\.8\.0 is installed"):
        whoosh_private.check_version((2, 8, 0))


def test_the_pin_allows_exactly_the_tested_versions() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [Requirement(dep) for dep in project["dependencies"] if Requirement(dep).name == "whoosh-reloaded"]
    assert len(pins) == 1
    tested = {".".join(map(str, v)) for v in TESTED_VERSIONS}
    assert all(pins[0].specifier.contains(v) for v in tested)
    assert not [v for v in ("2.7.4", "2.7.6", "2.8.0") if v not in tested and pins[0].specifier.contains(v)]
    assert tuple(whoosh.__version__[:3]) in TESTED_VERSIONS


@pytest.mark.parametrize("positions", [[0], [3, 4, 9, 200, 70_000], list(range(0, 3000, 7))])
def test_positions_decode_as_whoosh_decodes_them(positions: list[int]) -> None:
    fmt = formats.Positions()
    value = fmt.encode(positions)
    assert list(whoosh_private.decode_positions(value)) == fmt.decode_positions(value) == positions
    stripped = value[:-1] if value.endswith(b".") else value
    assert list(whoosh_private.decode_positions(stripped)) == positions


def test_bm25f_field_b_and_the_latest_commit() -> None:
    assert whoosh_private.field_b(scoring.BM25F(B=0.7, body_B=0.3)) == {"body": 0.3}
    assert whoosh_private.field_b(scoring.TF_IDF()) == {}
    ix = RamStorage().create_index(fields.Schema(body=fields.TEXT))
    for n in range(2):
        with ix.writer() as writer:
            writer.add_document(body=f"kata ke {n}")
    commit = whoosh_private.latest_commit(ix)
    assert commit.generation == ix.latest_generation() and len(commit.segments) == 2
    assert commit.schema.names() == ix.schema.names()


def test_block_walk_reads_whooshs_postings() -> None:
    """A posting list long enough to be stored in blocks, walked block by block, is the matcher's own."""
    ix = RamStorage().create_index(fields.Schema(body=fields.TEXT(phrase=True)))
    with ix.writer() as writer:
        for n in range(700):
            writer.add_document(body="banjir " * (1 + n % 3) + ("jakarta" if n % 2 else "bogor"))
    with ix.reader() as reader:
        segment = reader.leaf_readers()[0][0] if hasattr(reader, "leaf_readers") else reader
        matcher = whoosh_private.term_matcher(segment, "body", b"banjir")
        assert whoosh_private.reads_blocks(matcher)
        walked = [(d, w, list(whoosh_private.decode_positions(v))) for block in whoosh_private.blocks(matcher)
                  for d, w, v in zip(block.ids(), block.weights(), block.values(), strict=True)]
        expected = []
        matcher = whoosh_private.term_matcher(segment, "body", b"banjir")
        while matcher.is_active():
            expected.append((matcher.id(), matcher.weight(), list(matcher.value_as("positions"))))
            matcher.next()
        assert walked == expected and len(walked) == 700
