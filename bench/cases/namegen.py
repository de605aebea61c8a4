"""Synthetic but realistic-looking Belgian name distribution for benchmarks.

Common Flemish, Walloon, Moroccan, Turkish and Polish first and last names,
plus generated surnames from syllables so the registry has many distinct
names (as a real one has), with a Zipf-like skew towards common names.
"""

from __future__ import annotations

import random

FIRST = [
    "Jan",
    "Piet",
    "Tom",
    "Wim",
    "Luc",
    "Marc",
    "Peter",
    "Bart",
    "Kris",
    "Dirk",
    "Koen",
    "Geert",
    "Steven",
    "Pieter",
    "Jonas",
    "Lucas",
    "Noah",
    "Louis",
    "Arthur",
    "Liam",
    "Emma",
    "Olivia",
    "Louise",
    "Mila",
    "Elena",
    "Marie",
    "Anna",
    "Lotte",
    "Sara",
    "Sarah",
    "Nora",
    "Ines",
    "Hanne",
    "Lies",
    "Eva",
    "Julie",
    "Laura",
    "Lisa",
    "Fien",
    "Mohamed",
    "Mohammed",
    "Muhammad",
    "Ahmed",
    "Achmed",
    "Youssef",
    "Yusuf",
    "Mehdi",
    "Karim",
    "Rachid",
    "Said",
    "Omar",
    "Bilal",
    "Hamza",
    "Ayoub",
    "Amine",
    "Fatima",
    "Fatma",
    "Khadija",
    "Aicha",
    "Meryem",
    "Salma",
    "Nadia",
    "Samira",
    "Yasmina",
    "Imane",
    "Zeynep",
    "Elif",
    "Emre",
    "Mustafa",
    "Murat",
    "Ali",
    "Hasan",
    "Piotr",
    "Pawel",
    "Krzysztof",
    "Tomasz",
    "Agnieszka",
    "Katarzyna",
    "Olga",
    "Marta",
    "Ewa",
    "Jean",
    "Pierre",
    "Michel",
    "Philippe",
    "Nathalie",
    "Isabelle",
]
LAST = [
    "Peeters Janssens Maes Jacobs Mertens Willems Claes Goossens Wouters De Smet Dubois Lambert Dupont Martin Van den Broeck Vermeulen Hermans Pauwels Aerts Van Damme De Clercq Vandenberghe Van der Berg Verhoeven El Amrani Benali Ben Ali El Idrissi Bouzid El Khattabi Amrani Chaouki Aouragh Bakkali El Ouardi Azzouzi Yilmaz Kaya Demir Sahin Celik Yildiz Ozturk Aydin Kowalski Nowak Wisniewski Kowalczyk Kaminski Lewandowski Desmet Dewit De Wit Vandamme Vanderberg Tahiri Haddouchi Boukhari Ouali Mansouri"
][0].split()
# Multi-word surnames are kept together.
LAST_MULTI = [
    "De Smet",
    "Van den Broeck",
    "Van Damme",
    "De Clercq",
    "Van der Berg",
    "El Amrani",
    "Ben Ali",
    "El Idrissi",
    "El Khattabi",
    "El Ouardi",
    "De Wit",
]
SYLLABLES = [
    "an",
    "ber",
    "bo",
    "da",
    "de",
    "el",
    "ens",
    "er",
    "ga",
    "ha",
    "ik",
    "in",
    "ja",
    "ke",
    "la",
    "li",
    "ma",
    "me",
    "mo",
    "na",
    "ne",
    "o",
    "pe",
    "ra",
    "ri",
    "sa",
    "se",
    "ta",
    "te",
    "va",
    "ver",
    "vo",
    "wa",
    "ze",
]


def make_surnames(rng: random.Random, n: int) -> list[str]:
    names = set(LAST_MULTI) | {w for w in LAST if w not in {"De", "Van", "den", "der", "El", "Ben"}}
    while len(names) < n:
        parts = [rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))]
        names.add("".join(parts).capitalize() + rng.choice(["", "s", "ens", "man", "i", "ers", "aert"]))
    return sorted(names)


def population(n: int, *, seed: int = 42, distinct_surnames: int = 60000):
    """Yield n (first, last) pairs with a skewed distribution."""
    rng = random.Random(seed)
    surnames = make_surnames(rng, distinct_surnames)
    weights_last = [1.0 / (i + 1) ** 0.6 for i in range(len(surnames))]
    weights_first = [1.0 / (i + 1) ** 0.5 for i in range(len(FIRST))]
    lasts = rng.choices(surnames, weights=weights_last, k=n)
    firsts = rng.choices(FIRST, weights=weights_first, k=n)
    return list(zip(firsts, lasts, strict=True))


def variants(rng: random.Random, first: str, last: str) -> tuple[str, str]:
    """A query as a person might type it: spelling variant, typo, case, accents."""
    roll = rng.random()
    if roll < 0.25:
        return first.lower(), last.upper()
    if roll < 0.5 and len(last) > 4:
        i = rng.randrange(1, len(last) - 1)
        return first, last[:i] + last[i + 1 :]  # a dropped letter
    if roll < 0.65:
        return first, last.replace(" ", "")
    if roll < 0.8:
        return first.replace("ou", "u").replace("y", "i"), last
    return first, last
