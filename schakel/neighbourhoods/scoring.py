"""Wijkschouw scores: the documented aggregation.

Every score is mapped onto 0-100 so that walks with different templates and
scales can be compared over time:

- CROW scale: A+ = 100, A = 75, B = 50, C = 25, D = 0 (CROW's picture-based
  quality levels, A+ best).
- numeric scale from ``min`` to ``max``: ``(value - min) / (max - min) * 100``.

The area score of a walk is the weighted mean over the items that were scored:
several scores of the same item on one walk (different points) are first
averaged, then the item means are weighted by the item's ``weight``. A walk
without scores has no score (None).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

CROW_VALUES = {"A+": 100, "A": 75, "B": 50, "C": 25, "D": 0}
CROW_CHOICES = list(CROW_VALUES)


def normalise(value: str, *, scale: str, numeric_min: int, numeric_max: int) -> float:
    """The 0-100 value of one score; ValueError if it does not fit the scale."""
    if scale == "crow":
        key = value.strip().upper()
        if key not in CROW_VALUES:
            raise ValueError(value)
        return float(CROW_VALUES[key])
    n = int(value)
    if not numeric_min <= n <= numeric_max or numeric_max <= numeric_min:
        raise ValueError(value)
    return (n - numeric_min) / (numeric_max - numeric_min) * 100


def walk_score(scores, *, scale: str, numeric_min: int, numeric_max: int) -> Decimal | None:
    """``scores``: iterable of (item_id, weight, value)."""
    per_item: dict[int, list[float]] = defaultdict(list)
    weights: dict[int, int] = {}
    for item_id, weight, value in scores:
        per_item[item_id].append(normalise(value, scale=scale, numeric_min=numeric_min, numeric_max=numeric_max))
        weights[item_id] = weight
    if not per_item:
        return None
    total_w = sum(weights[i] for i in per_item)
    mean = sum(weights[i] * sum(v) / len(v) for i, v in per_item.items()) / total_w
    return Decimal(str(mean)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
