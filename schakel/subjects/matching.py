"""Name normalisation and fuzzy matching with a blocking step.

Belgian registers mix spellings of the same name: accents (Hélène/Helene),
particles written apart or glued ("Van der Berg", "Vanderberg", "El Amrani",
"Amrani"), spacing ("De Smet"/"Desmet") and transliterations of Arabic,
Berber or Slavic names (Mohamed/Mohammed/Muhammad, Youssef/Yusuf). Matching
works on a *skeleton* of each token that folds these differences, then scores
candidates with rapidfuzz.

Scoring every name in a registry of a million persons is too slow (about
220 ms per query), so candidates are first *blocked*: every name yields a few
short keys per skeleton token (its first three letters, its last three, and
its first and last letter with its length) that are stored in an indexed table; a query
scores only names that agree with it on at least two tokens (first *and*
last name), where a token agrees when any of its keys is shared. One typo
spoils at most two of the three keys, so recall stays high. The two-token
rule is stored as *pair keys* (one per key of one token and key of another,
``pair_keys``), so it is one index lookup that reads only the agreeing
subjects, however common each name is on its own. A name of one word
("J. Vandenbroeck", "Autodeal") has no second token: it needs to agree on
its one word, so it also stores *sole keys* (two keys of that word paired,
marked with a sentinel) that every query of two words probes in the same
lookup, and a query of one word reads the single keys (``lookup``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

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
    ("cz", "ch"),  # Polish: Kowalczyk / Kovalchik
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


def glued(text: str) -> list[str]:
    """Particles glued to the next word ("Ben Ali" -> "benali"), as skeletons,
    so a name written with a separate particle meets the glued spelling."""
    out, run = [], []
    for tok in fold(text).split():
        if tok in PARTICLES:
            run.append(tok)
            continue
        if run:
            out.append(skeleton("".join(run) + tok))
            run = []
    return out


def _key(toks: list[str], compact: str, alts: list[str]) -> str:
    return f"{' '.join(sorted(toks))}|{compact}|{' '.join(sorted(set(alts) - set(toks)))}"


def person_key(first_name: str, last_name: str) -> str:
    """The normal form of a person's name: ``"<sorted tokens>|<compact>|<glued>"``.

    The sorted tokens (particles dropped) make the key order-independent; the
    compact form keeps the particles so "Ben Ali" still scores like "Benali";
    the glued tokens serve the blocking step for the same reason.
    """
    toks = tokens(first_name) + tokens(last_name, surname=True)
    return _key(toks, _compact(f"{first_name} {last_name}"), glued(last_name))


def organisation_key(name: str) -> str:
    return _key(tokens(name, drop=PARTICLES | _LEGAL_FORMS), _compact(name), [])


def key_groups(key: str, *, query: bool = False) -> list[tuple[str, ...]]:
    """Per distinct name token (and glued particle form): its blocking keys.

    Stored keys: first three letters, last three letters, and first+last
    letter with the length. A query also probes the first+last key at length
    ±1, so one inserted or dropped letter in the middle still meets it."""
    toks, _, rest = key.partition("|")
    alts = rest.partition("|")[2]
    return [_group(tok, query) for tok in sorted(set(toks.split()) | set(alts.split())) if len(tok) >= 2]


def _group(tok: str, query: bool) -> tuple[str, ...]:
    ends = tok[0] + tok[-1]
    lengths = (len(tok) - 1, len(tok), len(tok) + 1) if query else (len(tok),)
    return ("p" + tok[:3], "e" + tok[-3:], *(f"f{ends}{n}" for n in lengths))


def blocking_keys(key: str) -> set[str]:
    return {k for group in key_groups(key) for k in group}


PAIR_SEPARATOR = "+"


def pair_key(a: str, b: str) -> str:
    """One key for two blocking keys of different tokens, in a canonical
    order (``"pjns+pmhm"``), so it does not matter which token is which."""
    return f"{a}{PAIR_SEPARATOR}{b}" if a <= b else f"{b}{PAIR_SEPARATOR}{a}"


def _pairs(groups) -> set[str]:
    return {pair_key(a, b) for i, ga in enumerate(groups) for gb in groups[i + 1 :] for a in ga for b in gb}


# The mark of a sole key in the pair table ("*ebrk+pbrk"): two keys of the
# same word, where a pair key has keys of two different words.
SOLE = "*"


def words(key: str) -> set[str]:
    """The words of a normal form that make keys: its distinct tokens of two
    letters or more (an initial, "J.", makes none). Glued forms ("vndnbrk"
    next to "brk") are other spellings of a word, not more words."""
    return {tok for tok in key.partition("|")[0].split() if len(tok) >= 2}


def sole_key(a: str, b: str) -> str:
    return SOLE + pair_key(a, b)


def _sole(groups) -> set[str]:
    """Two keys of the same token, as sole keys: 3 per token stored
    (prefix+suffix, prefix+ends, suffix+ends), 7 per token of a query (its
    ends key at length ±1)."""
    return {sole_key(a, b) for group in groups for i, a in enumerate(group) for b in group[i + 1 :] if a[0] != b[0]}


def glued_words(key: str) -> list[str]:
    """Every two words of a normal form written as one, in both orders (the
    tokens are sorted, their order is lost): the skeleton of the glued word
    ("kap" + "sln" -> "kpsln", as "Kapsalon"), so a query written apart meets
    a name of one word written glued through its sole keys."""
    toks = sorted(words(key))
    glued = {skeleton(a + b) for a in toks for b in toks if a != b}
    return sorted(g for g in glued if len(g) >= 2)  # as key_groups: one letter makes no key


def pair_keys(key: str) -> set[str]:
    """Stored pair keys (ADR 0402, amendments 2 and 3): for every two
    distinct tokens, each stored key of the one combined with each stored key
    of the other (3 x 3 per pair of tokens). A subject agrees with a query on
    two tokens exactly when it holds one of the query's ``query_pair_keys``,
    so the two-token rule is one index lookup that reads only agreeing
    subjects, however common each name is on its own.

    A name of one word cannot agree on two tokens: it also holds *sole
    keys*, two keys of its word paired (3 per token or glued form, marked
    with ``SOLE``), which every query of two words probes: it is found when
    one query token shares two keys with its word (one typo spoils at most
    one of them in a long word), or two query words written as one do
    (``glued_words``)."""
    groups = key_groups(key)
    pairs = _pairs(groups)
    if len(words(key)) <= 1:
        pairs |= _sole(groups)
    return pairs


def query_pair_keys(key: str) -> set[str]:
    """The pair keys a query of two words or more probes: its query keys
    (first+last letter at length ±1) combined per pair of tokens (5 x 5 per
    pair of tokens), and the sole keys that find names of one word: two keys
    of one token (7 per token), and of every two words written as one
    (``glued_words``: 7 per ordered pair of words)."""
    groups = key_groups(key, query=True)
    return _pairs(groups) | _sole(groups) | _sole([_group(tok, True) for tok in glued_words(key)])


def lookup(key: str) -> tuple[str, list[str]]:
    """What a query reads, as one index lookup: ``("pair", keys)`` in the
    pair table for a query of two words or more (``query_pair_keys``), or
    ``("single", keys)`` in the single-key table for a query of one word:
    the query keys of that word and of its glued forms, so it meets a name
    of any length that shares one of them (the score decides). Sorted."""
    groups = key_groups(key, query=True)
    if len(words(key)) >= 2:
        return "pair", sorted(query_pair_keys(key))
    return "single", sorted({k for group in groups for k in group})


def word_key(text: str, *, person: bool) -> str:
    """The normal form of a registry query of one word ("Vandenbroek",
    "Immokantoor"), which may be any part of a stored name. For a person
    the word is taken as a surname (a glued particle is stripped: "brk") and
    also kept whole ("vndnbrk", as a glued-form alternative), so it meets
    "Van den Broeck", "Vandenbroeck" and a given name alike."""
    if not person:
        return organisation_key(text)
    toks = tokens(text, surname=True)
    return _key(toks, _compact(text), tokens(text) + glued(text))


def word_lookup(key: str) -> list[str]:
    """The single keys a query of one word reads (``SubjectNameKey``): the
    query keys of its tokens and glued forms, sorted (as ``lookup`` for a
    query of one word)."""
    return sorted({k for group in key_groups(key, query=True) for k in group})


def _consonants(compact: str) -> str:
    """The compact form without its inner vowels: the skeleton of the whole
    name written as one word ("janvandenbruk" -> "jnvndnbrk")."""
    return compact[:1] + re.sub(r"[aeiou]", "", compact[1:])


def word_score(word: str, other: str) -> float:
    """0-100: how well a query of one word (``word_key``) matches a stored
    normal form of any length, for the registry search (ADR 0402, amendment
    4): the best of ``score`` (whole names, e.g. "Mobiel" and "Mobiel BV")
    and a *part* score. The part score is how well the word occurs in the
    stored name written as one (``fuzz.partial_ratio`` of the compact forms,
    with and without inner vowels; a plain ratio when the stored name is not
    longer), counted only when one of the word's skeletons is like one stored
    token, glued form or all tokens written as one (``WORD_PART_GATE``), so
    the word meets a whole word, not a piece of one ("Jan" is not
    "Janssens"). The compact forms keep what the token skeletons lose: a
    stripped particle and the vowels ("Vandenbroek" is not "Brik", although
    both have the surname skeleton "brk")."""
    w_toks, _, w_rest = word.partition("|")
    o_toks, _, o_rest = other.partition("|")
    w_compact, _, w_alts = w_rest.partition("|")
    o_compact, _, o_alts = o_rest.partition("|")
    best = score(word, other)
    w_forms = {t for t in (*w_toks.split(), *w_alts.split()) if len(t) >= 2}
    o_forms = {*o_toks.split(), *o_alts.split(), o_toks.replace(" ", "")} - {""}
    if not w_forms or not o_forms or not w_compact or not o_compact:
        return best
    part = max(fuzz.ratio(a, b) for a in w_forms for b in o_forms)
    if part <= best:
        return best
    whole = 0.0
    for w, o in ((w_compact, o_compact), (_consonants(w_compact), _consonants(o_compact))):
        ratio = fuzz.partial_ratio if len(o) > len(w) else fuzz.ratio
        whole = max(whole, ratio(w, o))
    return max(best, min(part, whole))


def word_score_many(word: str, keys: list[str], cutoff: float) -> dict[int, float]:
    """``word_score(word, k)`` for every ``k`` in ``keys`` that reaches
    ``cutoff``, as {position: score}. A first pass in rapidfuzz's C loop
    keeps the keys that ``score`` accepts or whose compact form (with or
    without inner vowels) holds the word by ``partial_ratio`` or ``ratio``
    (upper bounds of the part score); the exact ``word_score`` runs on those
    few only."""
    w_compact = _parts(word)[2]
    if not keys or not w_compact:
        return {}
    keep = set(score_many(word, keys, cutoff))
    compacts = [_parts(k)[2] for k in keys]
    for query, choices in ((w_compact, compacts), (_consonants(w_compact), [_consonants(c) for c in compacts])):
        for scorer in (fuzz.partial_ratio, fuzz.ratio):
            keep |= {i for _, _, i in process.extract(query, choices, scorer=scorer, score_cutoff=cutoff, limit=None)}
    found = {}
    for i in sorted(keep):
        value = word_score(word, keys[i])
        if value >= cutoff:
            found[i] = value
    return found


def min_tokens(groups) -> int:
    """A candidate must agree on this many groups (e.g. first *and* last name)."""
    return 2 if len(groups) >= 2 else 1


def score(a: str, b: str) -> float:
    """0-100: how alike two normal forms are (order and spacing tolerant)."""
    a_toks, _, a_rest = a.partition("|")
    b_toks, _, b_rest = b.partition("|")
    a_compact, b_compact = a_rest.partition("|")[0], b_rest.partition("|")[0]
    if not a_toks or not b_toks:
        return 0.0
    best = max(fuzz.token_sort_ratio(a_toks, b_toks), fuzz.ratio(a_toks.replace(" ", ""), b_toks.replace(" ", "")))
    if a_compact and b_compact:
        best = max(best, fuzz.ratio(a_compact, b_compact))
    return best


def prefilter(key: str, ids: list, keys: list[str], threshold: float) -> list:
    """Cheap first pass in rapidfuzz's C loop: drop candidates that cannot
    reach ``threshold`` on the compact or the token form (an upper bound of
    ``score`` within a margin), so the exact score runs on few rows."""
    if len(ids) < 50:
        return ids
    margin = threshold - 12
    q_toks, _, q_rest = key.partition("|")
    q_compact = q_rest.partition("|")[0]
    toks = [k.partition("|")[0] for k in keys]
    compacts = [k.partition("|")[2].partition("|")[0] for k in keys]
    keep = {
        i for _, _, i in process.extract(q_toks, toks, scorer=fuzz.token_sort_ratio, score_cutoff=margin, limit=None)
    }
    if q_compact:
        keep |= {
            i for _, _, i in process.extract(q_compact, compacts, scorer=fuzz.ratio, score_cutoff=margin, limit=None)
        }
    return [ids[i] for i in sorted(keep)]


@dataclass(frozen=True)
class Match:
    subject_id: int
    score: float
    reason: str


def _parts(key: str) -> tuple[str, str, str]:
    """(sorted tokens, tokens without spaces, compact form) of a normal form."""
    toks, _, rest = key.partition("|")
    return toks, toks.replace(" ", ""), rest.partition("|")[0]


def score_many(key: str, keys: list[str], cutoff: float) -> dict[int, float]:
    """``score(key, k)`` for every ``k`` in ``keys`` that reaches ``cutoff``,
    as {position: score}. The three ratios of ``score`` each run in
    rapidfuzz's C loop with the cutoff (a candidate passes when any of them
    passes), so no Python loop runs over the candidates."""
    q_toks, q_joined, q_compact = _parts(key)
    if not q_toks or not keys:
        return {}
    parts = [_parts(k) for k in keys]
    found: dict[int, float] = {}
    columns = [(q_toks, [p[0] for p in parts], fuzz.token_sort_ratio), (q_joined, [p[1] for p in parts], fuzz.ratio)]
    if q_compact:
        columns.append((q_compact, [p[2] for p in parts], fuzz.ratio))
    for query, choices, scorer in columns:
        for _choice, value, i in process.extract(query, choices, scorer=scorer, score_cutoff=cutoff, limit=None):
            if parts[i][0] and value > found.get(i, -1.0):
                found[i] = value
    return found


def stop_plan(groups, sizes, limit: int, need: int):
    """Blocking without stop keys (ADR 0402): per token, keys shared by more
    than ``limit`` subjects are dropped; a token whose prefix *and* suffix
    keys are both stop keys counts as agreeing (a wildcard: the score checks
    it). Returns (key groups to block on, how many must agree), or None when
    fewer rare tokens are left than needed (then every key is used)."""
    use, wildcards = [], 0
    for group, group_sizes in zip(groups, sizes, strict=True):
        if group_sizes[0] > limit and group_sizes[1] > limit:  # prefix and suffix keys
            wildcards += 1
            continue
        kept = [k for k, n in zip(group, group_sizes, strict=True) if 0 < n <= limit]
        if kept:
            use.append(kept)
    rare_need = max(1, need - wildcards)
    return (use, rare_need) if len(use) >= rare_need else None


def cheapest_first(postings: dict[str, set[int]], cap: int | None = None) -> list[int]:
    """The union of ``postings`` ({key: subjects}), the smallest sets first
    (ties by key, so every path gives the same answer), stopping once ``cap``
    subjects are collected."""
    found: set[int] = set()
    for _k, subjects in sorted(postings.items(), key=lambda kv: (len(kv[1]), kv[0])):
        found |= subjects
        if cap and len(found) >= cap:
            break
    return sorted(found)


def agreeing(postings: list[list[set[int]]], need: int, cap: int | None = None) -> list[int]:
    """Subjects in the postings of ``need`` (1 or 2) different tokens
    (``postings``: per token, the subject sets of its keys), cheapest sets
    first, stopping once ``cap`` candidates are collected."""
    found: set[int] = set()
    if need == 1:
        for p in sorted((p for ps in postings for p in ps), key=len):
            found |= p
            if cap and len(found) >= cap:
                break
        return sorted(found)
    pairs = [(a, b) for i, pa in enumerate(postings) for pb in postings[i + 1 :] for a in pa for b in pb]
    pairs.sort(key=lambda ab: min(len(ab[0]), len(ab[1])))
    for a, b in pairs:
        found |= a & b
        if cap and len(found) >= cap:
            break
    return sorted(found)


class NameIndex:
    """An in-memory blocking index, the same algorithm and the same answers
    as the database path (used by benchmarks and batch duplicate detection):
    single keys per token (``blocking_keys``, table ``SubjectNameKey``) and
    pair keys per two tokens (``pair_keys``, table ``SubjectNamePair``).

    Two limits keep the slowest queries fast (ADR 0402):

    - ``max_candidates``: posting lists are taken smallest first and
      collection stops once this many candidates are found.
    - ``stop_limit`` (off by default, measured not to help): a key shared by
      more subjects than this is a *stop key*; it does not block. A token
      whose keys are all stop keys agrees with every candidate — the score
      checks it — so blocking rests on the rarer tokens.
    """

    _EMPTY: frozenset = frozenset()

    def __init__(self, *, stop_limit: int | None = None, max_candidates: int | None = None):
        self._keys: dict[str, set[int]] = {}
        self._pairs: dict[str, set[int]] = {}
        self._names: dict[int, str] = {}
        self.stop_limit = stop_limit
        self.max_candidates = max_candidates

    def add(self, subject_id: int, key: str) -> None:
        self._names[subject_id] = key
        for k in blocking_keys(key):
            self._keys.setdefault(k, set()).add(subject_id)
        for k in pair_keys(key):
            self._pairs.setdefault(k, set()).add(subject_id)

    def _posting(self, k: str):
        return self._keys.get(k, self._EMPTY)

    def agreeing_candidates(self, key: str) -> list[int]:
        """Subjects agreeing with ``key`` on two tokens (one pair key of the
        query), or on one word when either name has only one (a sole key, or
        a single key of a query of one word: ``lookup``), smallest posting
        lists first, up to ``max_candidates``."""
        table, keys = lookup(key)
        index = self._pairs if table == "pair" else self._keys
        postings = {k: p for k in keys if (p := index.get(k))}
        return cheapest_first(postings, self.max_candidates)

    def candidates(self, key: str) -> list[int]:
        """Subjects agreeing with ``key`` on at least two tokens (one for a
        single-token name): ``agreeing_candidates``. With a stop limit, stop keys do not
        block and a token whose prefix and suffix keys are both stop keys
        counts as agreeing (``stop_plan``); when too few tokens are left
        (two very common names) the pair keys are used."""
        limit = self.stop_limit
        if limit is not None:
            groups = key_groups(key, query=True)
            if not groups:
                return []
            sizes = [[len(self._posting(k)) for k in group] for group in groups]
            plan = stop_plan(groups, sizes, limit, min_tokens(groups))
            if plan is not None:
                use, rare_need = plan
                return agreeing([[self._posting(k) for k in g] for g in use], rare_need, self.max_candidates)
        return self.agreeing_candidates(key)

    def search(self, key: str, *, threshold: float = 85.0, limit: int = 20) -> list[Match]:
        cands = self.candidates(key)
        scores = score_many(key, [self._names[sid] for sid in cands], threshold)
        found = [Match(cands[i], s, "name") for i, s in scores.items()]
        found.sort(key=lambda m: (-m.score, m.subject_id))
        return found[:limit]
