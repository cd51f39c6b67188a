"""Time expressions: every date, time, duration and frequency the text names, as TIMEX3.

Receives the parsed document and the publication date; returns ``TimeExpression`` records,
each with its span, its TIMEX3 type (DATE, TIME, DURATION, SET), its value normalised against
the publication date ("2022-09-29", "2022-W39", "2022-09", "2022", "2022-Q3", "P3D",
"PRESENT_REF", "XXXX-09-11" when no anchor is known) and the anchor it was resolved from
("published", the id of an earlier expression for "that day", or None for an absolute one).

The words (months, weekdays, numbers, units, seasons, deictic and vague words) are data,
``lexicons/time-words.tsv``; the grammar that combines them is the patterns below, matched
on the text, longest first. The parse then vetoes what is not a time: "March" as a verb or a
surname, "May" as a modal, ages ("a 12-year-old", "55 years old"), and years that count
something ("2008 troops", "$1999"). Tense decides the direction of an expression without a
year: past tense looks back (a weekday written on that weekday is that day), future looks
ahead ("will march in March" is the next March), other tenses take the nearest.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from spacy.tokens import Doc

from presslens.lexicons import load_table
from presslens.record import TimeExpression

PUBLISHED = "published"
# Names that contain a month or weekday word without naming a time ("August Busch", "Tuesday
# Morning Corp."): a match inside such an entity, but not covering all of it, is vetoed.
NAME_LABELS = {"PERSON", "ORG", "WORK_OF_ART", "PRODUCT", "FAC", "EVENT", "LAW"}
FUTURE_AUX = {"will", "'ll", "shall", "wo"}
FUTURE_GOVERNORS = {"plan", "expect", "schedule", "set", "due", "intend", "aim", "hope", "go", "prepare"}
FORWARD_PREPS = {"until", "till", "through", "before"}
BACKWARD_PREPS = {"since"}
# Before a year, these make "in 2008 sales rose" a time even though the year precedes a noun.
TEMPORAL_PREPS = {"in", "since", "by", "until", "from", "during", "before", "after", "through"}
UNIT_DESIGNATOR = {"Y": "Y", "M": "M", "W": "W", "D": "D", "H": "TH", "MIN": "TM", "S": "TS",
                   "DE": "DE", "CE": "CE", "Q": "Q"}


@dataclass(frozen=True)
class _Words:
    by_class: dict[str, dict[str, str]]

    def alternation(self, cls: str) -> str:
        words = sorted(self.by_class[cls], key=len, reverse=True)
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)

    def group(self, name: str, cls: str) -> str:
        """Return a named regex group matching any word of a class."""
        return rf"(?P<{name}>{self.alternation(cls)})"


@cache
def _words() -> _Words:
    by_class: dict[str, dict[str, str]] = defaultdict(dict)
    for word, cls, value in load_table("time-words.tsv"):
        by_class[cls][word] = value
    return _Words(dict(by_class))


@cache
def _patterns() -> list[tuple[str, re.Pattern]]:
    """Return the grammar: (rule name, compiled pattern), in order of preference on a tie."""
    w = _words()
    full_months = "|".join(m for m in w.by_class["month"] if len(m) > 4 or m in ("may", "june", "july"))
    short_months = "|".join(m for m in w.by_class["month"] if len(m) <= 4 and m not in ("may", "june", "july"))
    month = rf"(?P<month>{full_months}|(?:{short_months})\.?)"
    weekday = w.group("weekday", "weekday")
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
    year = r"(?P<year>(?:1[6-9]|20)\d\d)"
    number = rf"(?P<number>\d+(?:\.\d+)?|{w.alternation('number')}|single)"
    unit = r"(?P<unit>year|month|week|day|hour|minute|second|decade|century|centurie|quarter)s?"
    direction, part, season = w.group("direction", "direction"), w.group("part", "part_of_day"), w.group("season", "season")
    ordinal = r"(?P<ordinal>first|second|third|fourth|final|last)"
    edge = r"(?:(?P<edge>early|mid|late|end\s+of|beginning\s+of|start\s+of|middle\s+of)[\s-]+(?:the\s+)?)"
    not_counted = r"(?![\w-]*\s*-?\s*old\b)(?!\s+ago\b)"
    rules = [
        ("clock", rf"(?P<hour>[012]?\d):(?P<minute>[0-5]\d)(?:\s*(?P<ampm>[ap]\.?m\.?))?"
                  rf"(?:\s+(?P<zone>UTC|GMT))?(?:\s+(?:on\s+)?{weekday})?"),
        ("clock", r"(?P<hour>1[0-2]|[1-9])\s*(?P<ampm>[ap]\.m\.|[ap]m\b)"),
        ("iso", r"(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<dnum>[0-3]\d)"),
        ("numeric", r"(?P<mnum>[01]?\d)/(?P<dnum>[0-3]?\d)/(?P<year>\d{2}|\d{4})"),
        ("month_day", rf"{edge}?{month}\s+{day}(?:,?\s+{year})?(?!\s*(?:%|percent|\d))"),
        ("day_month", rf"{day}\s+(?:of\s+)?{month}(?:,?\s+{year})?"),
        ("month_year", rf"{edge}?{month},?\s+(?:of\s+)?{year}"),
        ("quarter", rf"(?:the\s+)?{ordinal}[\s-]+(?:fiscal\s+)?quarter"
                    rf"(?:\s+of\s+(?:(?:the\s+)?{year}|(?P<qdir>this|last|next|the)\s+year))?"),
        ("quarter", r"(?P<qnum>Q[1-4])(?:\s+(?P<year>(?:19|20)\d\d))?"),
        ("edge_unit", rf"(?:the\s+)?(?P<edge>end|beginning|start|middle|rest)\s+of\s+"
                      rf"(?:(?:the|{direction})\s+)?(?P<unit>year|month|week)"),
        ("range", r"(?:from|between)\s+(?P<year>(?:19|20)\d\d)\s+(?:to|and|until|through)\s+"
                  r"(?P<until>(?:19|20)\d\d)"),
        ("ago", rf"{number}[\s-]+{unit}\s+ago"),
        ("relative", rf"(?:(?:earlier|later)\s+)?(?:the\s+)?{direction}\s+"
                     r"(?P<unit>week|weekend|month|year|quarter|decade|century)\b(?!\s*-)"),
        ("relative", r"the\s+(?P<unit>weekend)"),
        ("relative_name", rf"{direction}\s+(?:{month}|{weekday}|{season})"),
        ("day_word", rf"(?:(?:earlier|later)\s+)?(?P<dayword>today|tonight|yesterday|tomorrow)"
                     rf"(?:\s+{part})?"),
        ("day_word", rf"(?:(?:earlier|later)\s+)?(?P<dayword>this|last)\s+{part}"),
        ("weekday", rf"(?:(?:early|late)\s+)?{weekday}(?:\s+{part})?"),
        ("duration", rf"(?:the\s+(?P<span>past|last|next|first|coming|following)\s+)?{number}[\s-]+"
                     rf"(?:straight\s+|consecutive\s+|full\s+)?{unit}{not_counted}"),
        ("duration", r"(?P<vague>decades|years|months|weeks)(?=-long|\s+of\b)(?:-long)?"),
        ("duration", r"(?<=\bfor\s)(?P<vague>decades|years|months|weeks|days|hours)\b"),
        ("duration", r"over\s+the\s+(?P<vague>years|decades)"),
        ("set", rf"(?P<set>{w.alternation('set')})\b"),
        ("set", r"(?:every|each)\s+(?P<unit>year|month|week|day)\b"),
        ("annual", rf"(?P<annual>{w.alternation('duration')})\b"),
        ("decade", r"(?:the\s+)?(?P<decade>(?:1[89]|20)\d0)s|(?:the\s+)?(?:'|’)?(?P<short_decade>[1-9]0)s\b"),
        ("year", rf"{edge}?{year}(?!\s*(?:%|percent))"),
        ("short_year", r"(?:'|’)(?P<short_year>\d\d)\b"),
        ("month", rf"{edge}?{month}"),
        ("season", rf"{edge}?(?:the\s+)?{season}(?:\s+(?:of\s+)?{year})?"),
        ("reference", rf"(?P<reference>{w.alternation('reference')})"),
        ("anaphor", r"(?:that|the\s+same|(?P<plain>the))\s+(?P<anaphor>day|time)\b(?!\s+(?:before|after)\b)"),
    ]
    return [(name, re.compile(rf"(?<![\w$£€#.,/:-])(?:{pattern})(?![\w/]|[.,:]\d)", re.IGNORECASE))
            for name, pattern in rules]


@dataclass
class _Match:
    rule: str
    start: int
    end: int
    groups: dict[str, str]


def extract_times(doc: Doc, published: str | None) -> list[TimeExpression]:
    """Return the document's time expressions in text order, normalised against `published`."""
    text = doc.text
    if not text.strip():
        return []
    anchor = _published(published)
    ordered = list(doc)
    tokens = {token.idx: token for token in ordered}
    starts = [token.idx for token in ordered]
    names = [(ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ in NAME_LABELS]
    times: list[TimeExpression] = []
    last_day: TimeExpression | None = None
    for match in _longest(_matches(text)):
        token = tokens.get(match.start) or _token_at(ordered, starts, match.start)
        if token is None or not _is_time(match, token, text, names):
            continue
        tense = _direction_word(token) or _tense(token)
        resolved = _normalise(match, anchor, tense, last_day)
        if resolved is None:
            continue
        kind, value, anchored = resolved
        expression = TimeExpression(
            id=f"t{len(times) + 1}", start=match.start, end=match.end, text=text[match.start:match.end],
            type=kind, value=value, anchor=anchored)
        times.append(expression)
        if kind in ("DATE", "TIME") and precision_of(value) == "day":
            last_day = expression
    return times


def precision_of(value: str | None) -> str:
    """Return how precise a TIMEX3 value is as a date: day, week, month, year or unknown."""
    if not value:
        return "unknown"
    if re.match(r"^\d{4}-\d\d-\d\d", value):
        return "day"
    if re.match(r"^\d{4}-W\d\d", value):
        return "week"
    if re.fullmatch(r"\d{4}-\d\d", value):
        return "month"
    if re.fullmatch(r"\d{4}(-(Q[1-4]|SP|SU|FA|WI|H[12]))?", value):
        return "year"
    return "unknown"


def calendar_date(value: str | None) -> str | None:
    """Return the YYYY-MM-DD first day of the period a TIMEX3 value names, or None when it
    names no period of the calendar (a duration, a vague reference, a decade)."""
    precision = precision_of(value)
    if precision == "unknown":
        return None
    if precision == "day":
        return value[:10]
    if precision == "week":
        year, week = int(value[:4]), int(value[6:8])
        return date.fromisocalendar(year, week, 1).isoformat()
    if precision == "month":
        return f"{value}-01"
    quarter = re.search(r"Q([1-4])", value)
    month = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}.get(value[5:], 1)
    if quarter:
        month = 3 * int(quarter.group(1)) - 2
    return f"{value[:4]}-{month:02d}-01"


def _published(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _matches(text: str) -> list[_Match]:
    found = []
    for order, (name, pattern) in enumerate(_patterns()):
        for m in pattern.finditer(text):
            groups = {k: v for k, v in m.groupdict().items() if v is not None}
            found.append((m.start(), -(m.end() - m.start()), order, _Match(name, m.start(), m.end(), groups)))
    return [item[3] for item in sorted(found, key=lambda item: item[:3])]


def _longest(matches: list[_Match]) -> list[_Match]:
    """Return the matches that do not overlap a longer (or earlier) one."""
    kept: list[_Match] = []
    taken_until = -1
    for match in matches:
        if match.start >= taken_until:
            kept.append(match)
            taken_until = match.end
    return kept


def _token_at(tokens: list, starts: list[int], offset: int):
    """Return the token holding the character at ``offset`` (``starts`` are the tokens'
    offsets, in order), or None."""
    at = bisect_right(starts, offset) - 1
    if at >= 0 and offset < starts[at] + len(tokens[at].text):
        return tokens[at]
    return None


def _is_time(match: _Match, token, text: str, names: list[tuple[int, int]]) -> bool:
    """Return False for a match the context shows is not a time."""
    # the names are in text order and never overlap, so their ends are in order too
    for start, end in names[bisect_right(names, match.start, key=lambda name: name[1]):]:
        if start >= match.end:
            break
        if start < match.end and match.start < end and not (match.start <= start and end <= match.end):
            return False
    surface = text[match.start:match.end]
    month = match.groups.get("month")
    if month is not None:
        head = _token_with(token, month)
        if head is not None:
            if not head.text[0].isupper():
                return False  # "to march", "may", "dec" in running text
            lower = head.lower_
            if lower == "may" and (head.tag_ == "MD" or _next_is_verb(head)) and match.rule == "month":
                return False
            if lower == "march" and head.pos_ == "VERB" and match.rule == "month":
                return False
            if match.rule == "month" and head.ent_type_ == "PERSON":
                return False
    if match.groups.get("weekday") is not None and not _token_with(token, match.groups["weekday"]).text[0].isupper():
        return False
    if match.rule in ("year", "month_year", "month_day", "day_month") and _counts_something(match, token, text):
        return False
    if match.rule == "duration" and _is_age(match, token, text):
        return False
    if match.rule == "reference" and surface.lower() in ("current", "recent") and token.dep_ != "amod":
        return False
    if match.rule == "season" and match.groups.get("season", "").lower() == "fall" and "year" not in match.groups:
        return surface[0].isupper() and token.pos_ == "PROPN"
    if match.rule == "anaphor" and match.groups.get("anaphor", "").lower() == "time":
        return surface.lower().startswith("that")
    if match.rule == "short_decade" or (match.rule == "decade" and "short_decade" in match.groups):
        return True
    if match.rule == "short_year":
        return token.i > 0 and token.nbor(-1).lower_ in ("in", "of", "since", "from", "until", "by")
    return True


def _token_with(token, word: str):
    """Return the first token from `token` on (within a few) whose text starts the word."""
    doc = token.doc
    for i in range(token.i, min(token.i + 6, len(doc))):
        if doc[i].lower_.startswith(word.lower()[:3]):
            return doc[i]
    return token


def _next_is_verb(token) -> bool:
    if token.i + 1 >= len(token.doc):
        return False
    following = token.nbor(1)
    return following.tag_ in ("VB", "RB") and following.pos_ in ("VERB", "AUX", "ADV") or following.lower_ == "be"


def _counts_something(match: _Match, token, text: str) -> bool:
    """Return True when a year-like number counts things ("2008 troops"), is money or an
    address, or is a score or a number in a list."""
    before = text[max(0, match.start - 2):match.start]
    if re.search(r"[$£€#]\s?$", before):
        return True
    if match.rule != "year":
        return False
    head = token.head
    if token.dep_ == "nummod" and head.tag_ == "NNS" and head.lemma_.lower() not in _words().by_class["unit"]:
        previous = token.nbor(-1) if token.i > 0 else None
        return previous is None or previous.lower_ not in TEMPORAL_PREPS
    return bool(re.match(r"\s*(?:-|–)\s*\d", text[match.end:match.end + 4]))


def _is_age(match: _Match, token, text: str) -> bool:
    """Return True for an age: "55 years old", "a 12-year-old", "aged 40 years"."""
    after = text[match.end:match.end + 8].lower()
    if re.match(r"[\s-]*old\b", after):
        return True
    before = text[max(0, match.start - 6):match.start].lower()
    return any(before.rstrip().endswith(cue) for cue in _words().by_class["age"])


def _direction_word(token) -> str | None:
    """Return the direction a preposition before the expression gives ("until Friday" looks
    ahead, "since March" back), or None."""
    if token.i == 0:
        return None
    before = token.nbor(-1).lower_
    if before in FORWARD_PREPS:
        return "future"
    if before in BACKWARD_PREPS:
        return "past"
    return None


def _tense(token) -> str | None:
    """Return "past", "future" or "present" for the clause a time token belongs to, or None
    when it has no verb (a headline fragment, a dateline)."""
    node = token
    for _ in range(6):
        if node.pos_ in ("VERB", "AUX"):
            break
        if node.head is node:
            return None
        node = node.head
    else:
        return None
    if node.pos_ not in ("VERB", "AUX"):
        return None
    for _ in range(3):
        children = list(node.children)
        if any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX for c in children):
            return "future"
        if any(c.dep_ == "aux" and c.lower_ == "going" for c in children) and node.tag_ == "VB":
            return "future"
        if node.dep_ == "xcomp" and node.head.lemma_.lower() in FUTURE_GOVERNORS:
            return "future"
        if node.tag_ == "VBD" or any(c.tag_ == "VBD" and c.dep_ in ("aux", "auxpass") for c in children):
            return "past"
        if node.tag_ == "VBN" and any(c.lemma_ == "have" and c.dep_ == "aux" for c in children):
            return "past"
        if node.tag_ in ("VBZ", "VBP"):
            return "present"
        if node.dep_ in ("xcomp", "conj", "ccomp", "advcl", "relcl") and node.head is not node:
            node = node.head
            continue
        break
    return None


# --- normalisation


def _normalise(match: _Match, anchor: date | None, tense: str | None,
               last_day: TimeExpression | None) -> tuple[str, str, str | None] | None:
    """Return (TIMEX3 type, value, anchor) for one match, or None when it has no value."""
    g = match.groups
    words = _words().by_class
    rule = match.rule
    month = int(words["month"][g["month"].lower().rstrip(".")]) if "month" in g else None
    year = int(g["year"]) if "year" in g and len(g["year"]) == 4 else None
    if rule == "numeric":
        year = int(g["year"]) if len(g["year"]) == 4 else 2000 + int(g["year"])
        month, day = int(g["mnum"]), int(g["dnum"])
        return ("DATE", f"{year:04d}-{month:02d}-{day:02d}", None) if _valid(year, month, day) else None
    if rule == "iso":
        return "DATE", f"{g['year']}-{g['mnum']}-{g['dnum']}", None
    if rule in ("month_day", "day_month"):
        day = int(g["day"])
        if not 1 <= day <= 31:
            return None
        if year is not None:
            return "DATE", f"{year:04d}-{month:02d}-{day:02d}", None
        if anchor is None:
            return "DATE", f"XXXX-{month:02d}-{day:02d}", None
        chosen = _year_for(anchor, (month, day), (anchor.month, anchor.day), tense)
        return "DATE", f"{chosen:04d}-{month:02d}-{day:02d}", PUBLISHED
    if rule == "month_year":
        return "DATE", f"{year:04d}-{month:02d}", None
    if rule == "month":
        if anchor is None:
            return "DATE", f"XXXX-{month:02d}", None
        return "DATE", f"{_year_for(anchor, (month,), (anchor.month,), tense):04d}-{month:02d}", PUBLISHED
    if rule == "year":
        return "DATE", str(year), None
    if rule == "range":
        return "DURATION", f"P{int(g['until']) - year}Y", None
    if rule == "decade":
        if "decade" in g:
            return "DATE", g["decade"][:3], None
        return "DATE", f"19{g['short_decade'][0]}", None
    if rule == "short_year":
        two = int(g["short_year"])
        century = 20 if anchor is not None and two <= anchor.year % 100 else 19
        return "DATE", f"{century}{two:02d}", None
    if rule == "clock":
        return _clock(g, anchor, tense)
    if rule == "quarter":
        return _quarter(g, anchor, tense)
    if rule in ("duration", "annual"):
        return _duration(g)
    if rule == "set":
        if "set" in g:
            return "SET", words["set"][g["set"].lower()], None
        return "SET", f"P1{UNIT_DESIGNATOR[_unit(g['unit'])]}", None
    if rule == "reference":
        value = words["reference"][re.sub(r"\s+", " ", g["reference"].lower())]
        if value == "ANCHOR":
            return ("DATE", anchor.isoformat(), PUBLISHED) if anchor else ("DATE", "PRESENT_REF", None)
        return "DATE", value, None
    if rule == "anaphor":
        if last_day is not None and not match.groups.get("plain"):
            return "DATE", last_day.value[:10], last_day.id
        return ("DATE", anchor.isoformat(), PUBLISHED) if anchor else None
    if anchor is None:
        return _unanchored(rule, g)
    if rule == "season":
        season = words["season"][g["season"].lower()]
        return "DATE", f"{year or anchor.year}-{season}", None if year else PUBLISHED
    if rule == "weekday":
        found = _weekday(anchor, int(words["weekday"][g["weekday"].lower()]), tense, 0)
        return "DATE", found.isoformat() + _part(g), PUBLISHED
    if rule == "day_word":
        offset = words["day_word"].get(g["dayword"].lower(), "0" if g["dayword"].lower() == "this" else "-1")
        days = int(offset.split(":")[0])
        part = _part(g) or (f"T{offset.split(':')[1]}" if ":" in offset else "")
        return "DATE", (anchor + timedelta(days=days)).isoformat() + part, PUBLISHED
    if rule == "ago":
        return _ago(g, anchor)
    if rule == "edge_unit":
        shift = int(words["direction"].get(g.get("direction", "this").lower(), "0"))
        return "DATE", _shifted(anchor, _unit(g["unit"]), shift), PUBLISHED
    if rule == "relative":
        shift = int(words["direction"].get(g.get("direction", "this").lower(), "0"))
        unit = g["unit"].lower()
        if unit == "weekend":
            return "DATE", _shifted(anchor, "W", shift) + "-WE", PUBLISHED
        return "DATE", _shifted(anchor, _unit(unit), shift), PUBLISHED
    if rule == "relative_name":
        return _relative_name(g, anchor, tense)
    return None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _unit(word: str) -> str:
    word = word.lower().rstrip("s")
    return {"year": "Y", "month": "M", "week": "W", "day": "D", "hour": "H", "minute": "MIN",
            "second": "S", "decade": "DE", "century": "CE", "centurie": "CE", "quarter": "Q"}[word]


def _year_for(anchor: date, wanted: tuple, current: tuple, tense: str | None) -> int:
    """Return the year of a month (or month and day) without a year: past tense looks back,
    future ahead, anything else stays in the publication year."""
    if tense == "past" and wanted > current:
        return anchor.year - 1
    if tense == "future" and wanted < current:
        return anchor.year + 1
    return anchor.year


def _weekday(anchor: date, weekday: int, tense: str | None, shift: int) -> date:
    """Return the date of a weekday near the anchor: the same day when it is the anchor's own
    weekday (unless `shift` says last/next), back for past tense, ahead for future, else the
    nearest."""
    delta = weekday - anchor.isoweekday()
    if shift < 0 or tense == "past" or tense is None:
        if delta > 0 or (shift < 0 and delta == 0):
            delta -= 7
    elif shift > 0 or tense == "future":
        if delta < 0 or (shift > 0 and delta == 0):
            delta += 7
    else:
        if delta > 3:
            delta -= 7
        elif delta < -3:
            delta += 7
    return anchor + timedelta(days=delta)


def _part(groups: dict[str, str]) -> str:
    part = groups.get("part")
    return f"T{_words().by_class['part_of_day'][part.lower()]}" if part else ""


def _shifted(anchor: date, unit: str, shift: int) -> str:
    """Return the TIMEX3 value of the calendar unit holding the anchor, `shift` units away."""
    if unit == "Y":
        return str(anchor.year + shift)
    if unit == "M":
        index = anchor.year * 12 + anchor.month - 1 + shift
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    if unit == "W":
        year, week, _ = (anchor + timedelta(weeks=shift)).isocalendar()
        return f"{year:04d}-W{week:02d}"
    if unit == "D":
        return (anchor + timedelta(days=shift)).isoformat()
    if unit == "Q":
        index = anchor.year * 4 + (anchor.month - 1) // 3 + shift
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    if unit == "DE":
        return str(anchor.year // 10 + shift)
    if unit == "CE":
        return str(anchor.year // 100 + shift)
    return "PRESENT_REF"


def _relative_name(g: dict[str, str], anchor: date, tense: str | None) -> tuple[str, str, str]:
    words = _words().by_class
    shift = int(words["direction"][g["direction"].lower()])
    if "weekday" in g:
        found = _weekday(anchor, int(words["weekday"][g["weekday"].lower()]), tense, shift)
        return "DATE", found.isoformat(), PUBLISHED
    if "month" in g:
        month = int(words["month"][g["month"].lower().rstrip(".")])
        year = anchor.year
        if shift < 0 and month >= anchor.month:
            year -= 1
        elif shift > 0 and month <= anchor.month:
            year += 1
        return "DATE", f"{year:04d}-{month:02d}", PUBLISHED
    season = words["season"][g["season"].lower()]
    order = ["WI", "SP", "SU", "FA"]
    current = order[(anchor.month % 12) // 3]
    year = anchor.year
    if shift < 0 and order.index(season) >= order.index(current):
        year -= 1
    elif shift > 0 and order.index(season) <= order.index(current):
        year += 1
    return "DATE", f"{year:04d}-{season}", PUBLISHED


def _number(word: str) -> str:
    word = word.lower()
    if word == "single":
        return "1"
    if re.fullmatch(r"\d+(\.\d+)?", word):
        return word.rstrip("0").rstrip(".") if "." in word else word
    return _words().by_class["number"].get(word, "X")


def _duration(g: dict[str, str]) -> tuple[str, str, None]:
    if "annual" in g:
        return "DURATION", _words().by_class["duration"][g["annual"].lower()], None
    if "vague" in g:
        return "DURATION", f"PX{UNIT_DESIGNATOR[_unit(g['vague'])][-1]}", None
    amount = _number(g["number"])
    unit = _unit(g["unit"])
    if unit in ("DE", "CE") and amount != "X":
        return "DURATION", f"P{int(float(amount) * (10 if unit == 'DE' else 100))}Y", None
    if unit == "Q":
        return "DURATION", f"P{int(float(amount) * 3)}M" if amount != "X" else "PXM", None
    designator = UNIT_DESIGNATOR[unit]
    if designator.startswith("T"):
        return "DURATION", f"PT{amount}{designator[1]}", None
    return "DURATION", f"P{amount}{designator}", None


def _ago(g: dict[str, str], anchor: date) -> tuple[str, str, str]:
    amount = _number(g["number"])
    if amount == "X":
        return "DATE", "PAST_REF", PUBLISHED
    n = int(float(amount))
    unit = _unit(g["unit"])
    if unit == "Y":
        return "DATE", str(anchor.year - n), PUBLISHED
    if unit == "M":
        return "DATE", _shifted(anchor, "M", -n), PUBLISHED
    if unit == "W":
        return "DATE", _shifted(anchor, "W", -n), PUBLISHED
    if unit == "D":
        return "DATE", (anchor - timedelta(days=n)).isoformat(), PUBLISHED
    if unit == "DE":
        return "DATE", str(anchor.year - 10 * n), PUBLISHED
    return "DATE", "PAST_REF", PUBLISHED


def _clock(g: dict[str, str], anchor: date | None, tense: str | None) -> tuple[str, str, str | None]:
    hour, minute = int(g["hour"]), int(g.get("minute", "0"))
    ampm = g.get("ampm", "").lower()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    zone = "Z" if g.get("zone") else ""
    if anchor is None:
        return "TIME", f"XXXX-XX-XXT{hour:02d}:{minute:02d}{zone}", None
    day = anchor
    if "weekday" in g:
        day = _weekday(anchor, int(_words().by_class["weekday"][g["weekday"].lower()]), tense, 0)
    return "TIME", f"{day.isoformat()}T{hour:02d}:{minute:02d}{zone}", PUBLISHED


def _quarter(g: dict[str, str], anchor: date | None, tense: str | None) -> tuple[str, str, str | None]:
    if "qnum" in g:
        number = int(g["qnum"][1])
    else:
        number = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4, "last": 4}[g["ordinal"].lower()]
    if "year" in g:
        return "DATE", f"{g['year']}-Q{number}", None
    if anchor is None:
        return "DATE", f"XXXX-Q{number}", None
    year = anchor.year
    qdir = g.get("qdir", "").lower()
    if qdir == "last":
        year -= 1
    elif qdir == "next":
        year += 1
    elif not qdir and tense == "past" and number > (anchor.month - 1) // 3 + 1:
        year -= 1
    return "DATE", f"{year}-Q{number}", PUBLISHED


def _unanchored(rule: str, g: dict[str, str]) -> tuple[str, str, None] | None:
    """Return the value of a relative expression when no publication date is known."""
    words = _words().by_class
    if rule == "weekday":
        return "DATE", f"XXXX-WXX-{words['weekday'][g['weekday'].lower()]}", None
    if rule == "season":
        return "DATE", f"XXXX-{words['season'][g['season'].lower()]}", None
    if rule in ("day_word", "edge_unit", "relative", "relative_name"):
        shift = g.get("direction", g.get("dayword", "this")).lower()
        if shift in ("yesterday", "last", "past", "previous", "preceding"):
            return "DATE", "PAST_REF", None
        if shift in ("tomorrow", "next", "coming", "following"):
            return "DATE", "FUTURE_REF", None
        return "DATE", "PRESENT_REF", None
    if rule == "ago":
        return "DATE", "PAST_REF", None
    return None
