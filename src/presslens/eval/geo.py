"""Scores place recognition and geocoding on LGL-format geoparsing XML.

The data set is a folder of ``*.xml`` files (or one such file) in the format of Gritta et al.,
"A Pragmatic Guide to Geoparsing Evaluation" (2020): ``<article>`` elements with ``<text>``
and ``<toponyms>``, each toponym with character offsets and, when resolved, a ``<gaztag>``
holding the GeoNames point. Every article goes through the full pipeline; the place
mentions of its record (mentions of located entities, place names inside organisation
names, demonyms, and streets, parks and rivers, which have no point) are matched to the
gold toponyms.

Recognition is scored twice: spans that overlap a gold span, and spans that equal one.
Geocoding is scored over recognised toponyms that have a gold point, as the field does
(Gritta et al. 2018): accuracy within 161 km, mean and median error in kilometres, and the
area under the sorted ln(1 + error) / ln(20039) curve. A recognised toponym that presslens
leaves without a point counts as the largest possible error, 20,039 km.
"""

from __future__ import annotations

import math
import statistics
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from presslens.errors import InputError
from presslens.eval.metrics import prf_from_matches
from presslens.ingest.document import RawArticle
from presslens.ingest.structure import build_document
from presslens.record import Article, Source

# Half the Earth's circumference: the worst a geocoder can be off, and the AUC's scale.
MAX_ERROR_KM = 20039.0
ACCURACY_KM = 161.0


@dataclass(frozen=True)
class Toponym:
    """One gold toponym: its span in the article text and its GeoNames point, if any."""

    start: int
    end: int
    lat: float | None
    lon: float | None
    geonames_id: int | None


@dataclass(frozen=True)
class PlaceSpan:
    """One place mention presslens found: its span and the point it was given, if any."""

    start: int
    end: int
    lat: float | None
    lon: float | None


def read_lgl(path: str | Path) -> list[dict]:
    """Return the articles of LGL-format XML: id, text, outlet domain, address and gold toponyms."""
    path = Path(path)
    files = sorted(path.glob("*.xml")) if path.is_dir() else [path]
    if not files:
        raise InputError("holds no .xml file", str(path))
    articles = []
    for file in files:
        try:
            root = ET.parse(file).getroot()
        except (OSError, ET.ParseError) as error:
            raise InputError(f"is not readable XML ({error})", str(file)) from None
        for node in root.iter("article"):
            articles.append({
                "id": node.get("docid") or str(len(articles)),
                "text": node.findtext("text") or "",
                "domain": (node.findtext("domain") or "").strip() or None,
                "url": (node.findtext("url") or "").strip() or None,
                "toponyms": [_toponym(t) for t in node.iter("toponym")],
            })
    if not articles:
        raise InputError("holds no <article>", str(path))
    return articles


def _toponym(node: ET.Element) -> Toponym:
    gaz = node.find("gaztag")
    lat = lon = gid = None
    if gaz is not None and gaz.findtext("lat") and gaz.findtext("lon"):
        lat, lon = float(gaz.findtext("lat")), float(gaz.findtext("lon"))
        gid = int(gaz.get("geonameid")) if (gaz.get("geonameid") or "").isdigit() else None
    return Toponym(int(node.findtext("start")), int(node.findtext("end")), lat, lon, gid)


def place_spans(article: Article, raw_offset: Callable[[int], int] = int) -> list[PlaceSpan]:
    """Return the place mentions of a record, in raw-input offsets, with their points."""
    from presslens.extract.places import names_a_place

    spans: dict[tuple[int, int], PlaceSpan] = {}
    for entity in article.entities:
        if not names_a_place(entity):
            continue
        lat, lon = (entity.geo.lat, entity.geo.lon) if entity.geo else (None, None)
        for mention in entity.mentions:
            if getattr(mention, "kind", "name") != "name":
                continue
            start, end = raw_offset(mention.start), raw_offset(mention.end)
            spans.setdefault((start, end), PlaceSpan(start, end, lat, lon))
    return sorted(spans.values(), key=lambda s: (s.start, s.end))


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the haversine distance between two points in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def match(predicted: list[PlaceSpan], gold: list[Toponym], exact: bool) -> list[tuple[PlaceSpan, Toponym]]:
    """Return one-to-one pairs of predicted and gold spans that overlap (or, if exact, are equal)."""
    used: set[int] = set()
    pairs = []
    for p in predicted:
        for i, g in enumerate(gold):
            if i in used:
                continue
            if (p.start, p.end) == (g.start, g.end) if exact else (p.start < g.end and g.start < p.end):
                used.add(i)
                pairs.append((p, g))
                break
    return pairs


def auc(errors: list[float]) -> float:
    """Return the area under the sorted ln(1 + error) / ln(20039) curve (0 is perfect)."""
    if not errors:
        return 0.0
    scaled = sorted(math.log1p(min(e, MAX_ERROR_KM)) / math.log(MAX_ERROR_KM) for e in errors)
    if len(scaled) == 1:
        return scaled[0]
    # Trapezoids over an x axis from 0 to 1, as numpy.trapz does in the published scorer.
    step = 1 / (len(scaled) - 1)
    return sum((a + b) / 2 * step for a, b in zip(scaled, scaled[1:]))


def _documents(articles: list[dict]) -> Iterator:
    for i, row in enumerate(articles):
        source = Source(outlet=row["domain"], url=row.get("url"))
        yield build_document(RawArticle(id=str(i), content=row["text"], source=source))


def evaluate_geo(path: str | Path, progress: Callable[[int, int], None] | None = None,
                 limit: int | None = None) -> dict:
    """Return recognition P/R/F1 (overlap and exact) and geocoding accuracy on LGL-format XML.

    ``progress(done, total)`` is called after each article; ``limit`` scores only the first
    articles (for quick runs while developing).
    """
    from presslens.pipeline import analyze_documents

    articles = read_lgl(path)
    if limit:
        articles = articles[:limit]
    counts = {"predicted": 0, "gold": 0, "overlap": 0, "exact": 0}
    errors: list[float] = []
    failed: list[str] = []
    done = 0

    def skip(document, error: Exception) -> None:
        # One article an extractor cannot handle must not end the whole evaluation.
        failed.append(document.id)

    for document, article in analyze_documents(_documents(articles), on_error=skip):
        row = articles[int(document.id)]
        predicted = place_spans(article, document.raw_offset)
        gold = row["toponyms"]
        counts["predicted"] += len(predicted)
        counts["gold"] += len(gold)
        pairs = match(predicted, gold, exact=False)
        counts["overlap"] += len(pairs)
        counts["exact"] += len(match(predicted, gold, exact=True))
        for p, g in pairs:
            if g.lat is None:
                continue
            errors.append(MAX_ERROR_KM if p.lat is None else km(p.lat, p.lon, g.lat, g.lon))
        done += 1
        if progress is not None:
            progress(done, len(articles))
    total_gold = counts["gold"] + sum(len(articles[int(i)]["toponyms"]) for i in failed)
    return {
        "task": "geo",
        "metrics": {
            "recognition": prf_from_matches(counts["overlap"], counts["predicted"], counts["overlap"], total_gold),
            "recognition_exact": prf_from_matches(counts["exact"], counts["predicted"], counts["exact"], total_gold),
            "geocoding": {
                "acc161": round(sum(e < ACCURACY_KM for e in errors) / len(errors), 4) if errors else 0.0,
                "mean_km": round(statistics.fmean(errors), 1) if errors else 0.0,
                "median_km": round(statistics.median(errors), 1) if errors else 0.0,
                "auc": round(auc(errors), 4),
                "n": len(errors),
            },
        },
        "articles": done,
        "failed": len(failed),
    }


def format_geo(result: dict) -> str:
    """Return the figures of evaluate_geo as a few lines for a person."""
    m = result["metrics"]
    rec, exact, geo = m["recognition"], m["recognition_exact"], m["geocoding"]
    lines = [
        f"articles: {result['articles']}",
        f"recognition (overlap): P {rec['p']:.3f}  R {rec['r']:.3f}  F1 {rec['f1']:.3f}",
        f"recognition (exact):   P {exact['p']:.3f}  R {exact['r']:.3f}  F1 {exact['f1']:.3f}",
        f"geocoding over {geo['n']} recognised toponyms with a gold point: acc@161 {geo['acc161']:.3f}  "
        f"mean {geo['mean_km']:.0f} km  median {geo['median_km']:.0f} km  AUC {geo['auc']:.3f}",
    ]
    if result.get("failed"):
        lines.append(f"articles the pipeline failed on (left out): {result['failed']}")
    return "\n".join(lines)
