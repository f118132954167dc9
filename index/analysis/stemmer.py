"""Dictionary-backed confix stripping that weighs every analysis instead of taking the first.

Sastrawi (ECS) strips greedily and stops at the first dictionary hit, so a
suffix cut that leaves a shorter root wins over the right reading:
``perbankan -> perban(+kan)`` instead of ``per+bank+an``, ``penegakan -> tega``,
``berikan -> ikan``. Here every split into particle / possessive / derivational
suffix and up to three prefix layers is generated, each one whose remainder is
a dictionary root is scored by :func:`analysis_cost`, and the cheapest wins
(ties: the longer root), with a small bonus for roots that news
writes often on their own (``memakan`` is ``makan``, not ``pakan``).
The costs encode Indonesian morphology, not examples:

- a word that is itself a root is never cut;
- each affix costs 1, so fewer cuts are preferred;
- a well-formed confix (``per-an``, ``ke-an``, ``me-kan``, ``di-i`` ...) is
  cheaper than its two parts, and a forbidden one (``di-an``, ``pe-kan``,
  ``ke-i``; Asian 2007) is dear;
- a bare root with ``-kan``/``-i`` (an imperative) costs a little more than
  with ``-an`` (a noun); a prefix reading costs a little more for each rank
  it stands behind the usual one (``be+rada`` behind ``ber+ada``);
- ``ke-`` needs a suffix: alone it makes ordinals (``kedua`` is not ``dua``);
- particles cost more than a prefix reading of the same letters (``menikah``);
- ``se-`` + root is itself a root when other affixes surround it
  (``disetujui -> setuju``, ``menyesuaikan -> sesuai``): ``se-`` is never
  stripped (see :mod:`.affixes`), so its lexicalised forms must be reachable;
- a remainder that is two common roots written together (``tanda|tangan``,
  ``tanggung|jawab``) is accepted as a compound root, but only when nothing
  simpler fits.

Words that no analysis reduces to a dictionary root are returned unchanged, so
names and unknown words are never cut into other words; see :mod:`.names` for
names that do look like derived words.
"""

from __future__ import annotations

from index.analysis.affixes import prefix_strips, suffix_strips
from index.analysis.lexicon import MIN_ROOT_LENGTH, root_weights, roots
from index.analysis.names import is_protected_name

MAX_PREFIXES = 3


def _pairs(text: str) -> frozenset[tuple[str, str]]:
    """``"me-kan di-i"`` -> {("me", "kan"), ("di", "i")}."""
    return frozenset(tuple(pair.split("-")) for pair in text.split())  # type: ignore[misc]


#: Outer prefix + derivational suffix pairs that Indonesian forms freely.
CONFIXES = _pairs(
    "ber-an ke-an pe-an per-an me-kan me-i di-kan di-i ter-kan ter-i ber-kan per-kan per-i ku-kan kau-kan ku-i kau-i"
)
#: Pairs that do not occur (Asian 2007's disallowed confixes, plus ``pe-kan``/``pe-i``).
FORBIDDEN_CONFIXES = _pairs("ber-i di-an ke-i ke-kan me-an se-i se-kan ter-an pe-kan pe-i")

AFFIX_COST = 1.0
#: Each rank of a prefix reading behind the usual one (``be+rada`` behind ``ber+ada``).
RANK_COST = 0.1
#: Inflectional layers: ``-nya`` is everywhere in news; ``-ku``/``-mu`` and the
#: particles are rarer than a prefix reading that explains the same letters
#: (``menikah`` is ``men+nikah``, not ``meni+kah``).
INFLECTION_COSTS = {"": 0.0, "nya": 0.2, "ku": 0.6, "mu": 0.6, "lah": 0.8, "kah": 1.1, "tah": 1.1, "pun": 0.8}
CONFIX_BONUS = -0.6
FORBIDDEN_COST = 3.0
IMPERATIVE_COST = 0.5
COMPOUND_COST = 1.5
SE_ROOT_COST = 0.3
#: A root that 5 M words of news never use, alone or derived (``berik``).
UNATTESTED_COST = 0.8
#: A final ``-kan`` left on the root by a prefix-only reading: it is nearly
#: always the suffix (``berikan`` is ``beri+kan``, not ``ber+ikan``), as the
#: suffix-first order of Nazief & Adriani assumes.
UNREAD_KAN_COST = 0.7
#: Bonus per decade of a root's corpus frequency: enough to break near-ties
#: between recodings (``makan``/``pakan``), too small to outvote morphology.
FREQUENCY_WEIGHT = 0.1
#: Compound parts must each occur about 100 times on their own (log10 of count).
COMPOUND_PART_WEIGHT = 2.0


def analysis_cost(prefixes: tuple[str, ...], suffix: str, inflection: float, rank: int) -> float:
    """What one reading of a word costs; the stemmer keeps the cheapest."""
    cost = AFFIX_COST * (len(prefixes) + bool(suffix)) + inflection + RANK_COST * rank
    if suffix:
        if not prefixes:
            cost += 0.0 if suffix == "an" else IMPERATIVE_COST
        elif (prefixes[0], suffix) in FORBIDDEN_CONFIXES:
            cost += FORBIDDEN_COST
        elif (prefixes[0], suffix) in CONFIXES:
            cost += CONFIX_BONUS
    return cost


def _is_se_root(form: str, dictionary: frozenset[str]) -> bool:
    """True for a lexicalised ``se-`` word: ``setuju``, ``sesuai``."""
    return form.startswith("se") and form[2:] in dictionary


def _is_compound(form: str, weights: dict[str, float]) -> bool:
    """True when ``form`` is two common roots written as one (``tandatangan``, ``ibukota``).

    Both parts must be words news uses often on their own: any two dictionary
    entries would also glue ``bang|saw`` out of ``bangsawan``.
    """
    cuts = range(MIN_ROOT_LENGTH, len(form) - MIN_ROOT_LENGTH + 1)
    return any(
        weights.get(form[:cut], 0.0) >= COMPOUND_PART_WEIGHT and weights.get(form[cut:], 0.0) >= COMPOUND_PART_WEIGHT
        for cut in cuts
    )


def _prefix_readings(base: str) -> list[tuple[str, tuple[str, ...], int]]:
    """Every (remainder, prefixes, summed rank) reachable by up to three prefix cuts."""
    readings: list[tuple[str, tuple[str, ...], int]] = [(base, (), 0)]
    frontier = readings
    for _ in range(MAX_PREFIXES):
        deeper: list[tuple[str, tuple[str, ...], int]] = []
        for form, prefixes, ranks in frontier:
            for prefix, rest, rank in prefix_strips(form):
                if prefix not in prefixes:
                    deeper.append((rest, (*prefixes, prefix), ranks + rank))
        readings.extend(deeper)
        frontier = deeper
    return readings


def best_root(word: str) -> str:
    """The root of one lower-case, unhyphenated word, or the word itself (names included)."""
    return word if is_protected_name(word) else cheapest_root(word)


def cheapest_root(word: str) -> str:
    """The root of the cheapest analysis of ``word``, names not considered."""
    dictionary = roots()
    if word in dictionary or len(word) <= MIN_ROOT_LENGTH:
        return word
    weights = root_weights()  # read only once a word needs analysing (a search of roots never does)
    best: tuple[float, int, str] | None = None
    for base, suffix, inflection in suffix_strips(word):
        for form, prefixes, rank in _prefix_readings(base):
            if len(form) < MIN_ROOT_LENGTH or form == word:
                continue
            if prefixes and prefixes[0] == "ke" and not suffix:
                continue  # ke- alone makes ordinals (kedua) and typos (kelangit), not derivations
            cost = analysis_cost(prefixes, suffix, INFLECTION_COSTS[inflection], rank)
            if prefixes and not suffix and form.endswith("kan"):
                cost += UNREAD_KAN_COST
            if form not in dictionary:
                if _is_se_root(form, dictionary) and (prefixes or suffix):
                    cost += SE_ROOT_COST
                elif _is_compound(form, weights):
                    cost += COMPOUND_COST
                else:
                    continue

            weight = weights.get(form)
            cost += UNATTESTED_COST if weight is None else -FREQUENCY_WEIGHT * weight
            candidate = (cost, -len(form), form)
            if best is None or candidate < best:
                best = candidate
    return word if best is None else best[2]
