"""The arithmetic every scorer shares: precision, recall and F1 from counts or ratios."""

from __future__ import annotations


def ratio(part: float, whole: float) -> float:
    """Return part / whole, or 0.0 when there is nothing to divide by."""
    return part / whole if whole else 0.0


def f1(precision: float, recall: float) -> float:
    """Return the harmonic mean of precision and recall (0.0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def prf(precision: float, recall: float, digits: int = 4) -> dict[str, float]:
    """Return {"p", "r", "f1"} rounded for a report."""
    return {"p": round(precision, digits), "r": round(recall, digits), "f1": round(f1(precision, recall), digits)}


def prf_from_matches(matched_predicted: float, predicted: float, matched_gold: float, gold: float) -> dict[str, float]:
    """Return {"p", "r", "f1"} from how many predictions matched and how many gold items were found."""
    return prf(ratio(matched_predicted, predicted), ratio(matched_gold, gold))
