"""Name normalisation and fuzzy matching with a blocking step.

Belgian registers mix spellings of the same name: accents (Hélène/Helene),
particles written apart or glued ("Van der Berg", "Vanderberg", "El Amrani",
"Amrani"), spacing ("De Smet"/"Desmet") and transliterations of Arabic,
Berber or Slavic names (Mohamed/Mohammed/Muhammad, Youssef/Yusuf). Matching
works on a *skeleton* of each token that folds these differences, then scores
candidates with rapidfuzz.

Scoring every name in a registry of a million persons is too slow (about
220 ms per query), so candidates are first *blocked*: every name yields a few
short keys (the first and the last four letters of each skeleton token) that
are stored in an indexed table; a query scores only names sharing at least two
keys with it. A typo may spoil the prefix or the suffix of a token but rarely
both, so recall stays high.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

# Particles that are dropped as separate tokens (Dutch, French, Arabic, ...).
PARTICLES = frozenset(
    [
        "van",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "des",
        "le",
        "la",
        "les",
        "el",
        "al",
        "ben",
        "bin",
        "ibn",
        "abu",
        "ter",
        "ten",
        "te",
        "op",
        "t",
        "vd",
        "v",
        "o",
        "mc",
        "mac",
    ]
)
# Particles that are sometimes glued to a surname ("Vanderberg", "Desmet").
GLUED_PREFIXES = ("vander", "vanden", "vande", "van", "ver", "de", "el")
_TRANSLIT = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i", "œ": "oe", "þ": "th"})
# Folds applied in order to every token (spelling variants of one sound).
_FOLDS = (
    ("sch", "s"),
    ("ph", "f"),
    ("th", "t"),
    ("kh", "h"),
    ("ch", "h"),
    ("gh", "g"),
    ("dj", "j"),
    ("ck", "k"),
    ("ou", "u"),
    ("oe", "u"),
    ("ij", "i"),
    ("ee", "e"),
    ("c", "k"),
    ("q", "k"),
    ("y", "i"),
    ("z", "s"),
    ("w", "v"),
)
_DOUBLE = re.compile(r"(.)\1+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_LEGAL_FORMS = frozenset(
    [
        "bv",
        "bvba",
        "nv",
        "vzw",
        "cv",
        "cvba",
        "commv",
        "comm",
        "v",
        "vof",
        "srl",
        "sprl",
        "sa",
        "sc",
        "asbl",
        "snc",
        "gcv",
    ]
)


def fold(text: str) -> str:
    """Lower case, no accents, ASCII letters and digits separated by spaces."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_TRANSLIT).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", text).strip()


def _folded(token: str) -> str:
    for old, new in _FOLDS:
        token = token.replace(old, new)
    token = _DOUBLE.sub(r"\1", token)
    if len(token) > 3 and token.endswith("h") and token[-2] in "aeiou":
        token = token[:-1]  # Sarah/Sara, Fatimah/Fatima
    return token


def skeleton(token: str) -> str:
    token = _folded(token)
    # "Mohamed"/"Muhammad": vowels after the first letter carry little.
    return token[0] + re.sub(r"[aeiou]", "", token[1:]) if len(token) > 3 else token


def tokens(text: str, *, surname: bool = False, drop: frozenset = PARTICLES) -> list[str]:
    out = []
    for tok in fold(text).split():
        if tok in drop:
            continue
        if surname:
            for prefix in GLUED_PREFIXES:
                if tok.startswith(prefix) and len(tok) - len(prefix) >= 3:
                    tok = tok[len(prefix) :]
                    break
        out.append(skeleton(tok))
    return out


def _compact(text: str) -> str:
    return _folded(fold(text).replace(" ", ""))


def person_key(first_name: str, last_name: str) -> str:
    """The normal form of a person's name: ``"<sorted tokens>|<compact>"``.

    The sorted tokens (particles dropped) make the key order-independent; the
    compact form keeps the particles glued so "Ben Ali" still meets "Benali".
    """
    toks = " ".join(sorted(tokens(first_name) + tokens(last_name, surname=True)))
    return f"{toks}|{_compact(f'{first_name} {last_name}')}"


def organisation_key(name: str) -> str:
    return f"{' '.join(sorted(tokens(name, drop=PARTICLES | _LEGAL_FORMS)))}|{_compact(name)}"


def key_groups(key: str) -> list[tuple[str, str]]:
    """Per distinct name token: its (prefix key, suffix key)."""
    toks, _, compact = key.partition("|")
    groups = []
    for tok in sorted(set(toks.split())):
        if len(tok) >= 2:
            groups.append(("p" + tok[:4], "e" + tok[-4:]))
    # The whole name glued together ("Ben Ali" = "Benali") counts as one more token.
    if len(compact) >= 4:
        groups.append(("c" + compact[:4], "d" + compact[-4:]))
    return groups


def blocking_keys(key: str) -> set[str]:
    return {k for group in key_groups(key) for k in group}


def min_tokens(groups) -> int:
    """A candidate must agree on this many groups (e.g. first *and* last name)."""
    return 2 if len(groups) >= 2 else 1


def score(a: str, b: str) -> float:
    """0-100: how alike two normal forms are (order and spacing tolerant)."""
    a_toks, _, a_compact = a.partition("|")
    b_toks, _, b_compact = b.partition("|")
    if not a_toks or not b_toks:
        return 0.0
    best = max(fuzz.token_sort_ratio(a_toks, b_toks), fuzz.ratio(a_toks.replace(" ", ""), b_toks.replace(" ", "")))
    if a_compact and b_compact:
        best = max(best, fuzz.ratio(a_compact, b_compact))
    return best


@dataclass(frozen=True)
class Match:
    subject_id: int
    score: float
    reason: str


class NameIndex:
    """An in-memory blocking index, the same algorithm as the database path
    (used by benchmarks and batch duplicate detection)."""

    _EMPTY: frozenset = frozenset()

    def __init__(self):
        self._keys: dict[str, set[int]] = {}
        self._names: dict[int, str] = {}

    def add(self, subject_id: int, key: str) -> None:
        self._names[subject_id] = key
        for k in blocking_keys(key):
            self._keys.setdefault(k, set()).add(subject_id)

    def _posting(self, k: str):
        return self._keys.get(k, self._EMPTY)

    def candidates(self, key: str) -> list[int]:
        """Subjects agreeing (by prefix or suffix) on at least two name tokens.
        Set intersections cost the size of the smaller list, so a common
        first name does not make the query slow."""
        groups = key_groups(key)
        if min_tokens(groups) == 1:
            return sorted({sid for k in (groups[0] if groups else ()) for sid in self._posting(k)})
        found: set[int] = set()
        for i, (pa, ea) in enumerate(groups):
            for pb, eb in groups[i + 1 :]:
                for a in (pa, ea):
                    for b in (pb, eb):
                        found |= self._posting(a) & self._posting(b)
        return sorted(found)

    def search(self, key: str, *, threshold: float = 85.0, limit: int = 20) -> list[Match]:
        found = []
        for sid in self.candidates(key):
            s = score(key, self._names[sid])
            if s >= threshold:
                found.append(Match(sid, s, "name"))
        found.sort(key=lambda m: -m.score)
        return found[:limit]
