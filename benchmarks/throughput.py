"""Throughput of `presslens analyze` against the bare spaCy parse of the same articles, same run.

Usage: python benchmarks/throughput.py [--corpus DIR] [--limit N] [--repeat R]

The corpus is a folder of plain-text news articles (by default PolNeAR's dev articles in
../shared/data, read at run time; the bundled demo article when that folder is absent).
Prints articles/s and words/s of both, their ratio, and what each extractor costs as a share of
the parse. Each measurement is the best of R runs, so a busy moment does not decide it.
"""

from __future__ import annotations

import argparse
import copy
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear" / "dev" / "text"


def load_texts(corpus: Path, limit: int) -> list[str]:
    """Return up to `limit` article texts from the folder, or the bundled demo article."""
    if corpus.is_dir():
        files = sorted(corpus.glob("*.txt"))[:limit]
        if files:
            return [f.read_text(encoding="utf-8") for f in files]
    from presslens.cli import demo_text

    print(f"(no articles in {corpus}; using the bundled demo article)", file=sys.stderr)
    return [demo_text()] * min(limit, 20)


def best_of(repeat: int, run) -> float:
    """Return the shortest wall time of `repeat` calls of run()."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=84)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()

    from presslens.ingest.document import RawArticle
    from presslens.ingest.structure import build_document
    from presslens.nlp import load_pipeline, model_name
    from presslens.pipeline import analyze_stream, empty_article, extractors

    texts = load_texts(args.corpus, args.limit)
    words = sum(len(t.split()) for t in texts)
    nlp = load_pipeline(args.model)
    raws = [RawArticle(id=str(i), content=t) for i, t in enumerate(texts)]
    list(analyze_stream(raws[:2], model=args.model))  # warm-up: lexicons, gazetteer, model caches

    bare = best_of(args.repeat, lambda: list(nlp.pipe(texts, batch_size=32)))
    full = best_of(args.repeat, lambda: list(analyze_stream(raws, model=args.model)))

    # Each extractor over docs parsed once, to see where the time beyond the parse goes.
    documents = [build_document(raw) for raw in raws]
    parsed = list(zip(documents, nlp.pipe((d.text for d in documents), batch_size=32)))
    spent: dict[str, float] = {}
    steps = extractors()
    for document, doc in parsed:
        article = empty_article(document)
        for step in steps:
            start = time.perf_counter()
            step(doc, document, article)
            spent[step.__name__] = spent.get(step.__name__, 0.0) + time.perf_counter() - start
    cleaning = best_of(args.repeat, lambda: [build_document(raw) for raw in raws])
    # The slant model alone (inside framing above): every sentence of every article, once.
    from presslens.extract.slant import load_model

    sentences = [s.text for _, doc in parsed for s in doc.sents]
    # Places alone (inside entities above): recognition and resolution over the entities.
    from presslens.extract.entities import extract_entities
    from presslens.extract.places import locate_places

    found = [(document, extract_entities(doc, document)) for document, doc in parsed]
    places = best_of(args.repeat, lambda: [
        locate_places(copy.deepcopy(entities), document.text, document.source) for document, entities in found
    ])
    copying = best_of(args.repeat, lambda: [copy.deepcopy(entities) for _document, entities in found])
    startup = gazetteer_load_seconds()
    features = [[0.0, 0.0, 0.0, 0.0, 0.5]] * len(sentences)
    slant = best_of(args.repeat, lambda: load_model().score(sentences, features))

    print(f"model: {model_name(args.model)}; {len(texts)} articles, {words:,} words; best of {args.repeat} runs")
    print(f"{'':24}{'articles/s':>12}{'words/s':>12}{'seconds':>10}")
    print(f"{'bare spaCy parse':24}{len(texts) / bare:12.1f}{words / bare:12,.0f}{bare:10.2f}")
    print(f"{'presslens analyze':24}{len(texts) / full:12.1f}{words / full:12,.0f}{full:10.2f}")
    print(f"ratio (presslens / bare parse throughput): {bare / full:.2f}")
    print("cost of each stage, as a share of the bare parse time:")
    print(f"  {'cleaning':22}{cleaning / bare:8.1%}")
    for name, seconds in spent.items():
        print(f"  {name:22}{seconds / bare:8.1%}")
    print(f"  {'of which slant model':22}{slant / bare:8.1%}  ({len(sentences) / slant:,.0f} sentences/s)")
    print(f"  {'of which places':22}{max(places - copying, 0.0) / bare:8.1%}  (entities: places inside, geocoding)")
    print(f"places start-up (gazetteer index read in a fresh process): {startup:.2f} s")
    return 0


def gazetteer_load_seconds() -> float:
    """Return the wall time a new process takes to read the built gazetteer index."""
    code = (
        "import time; from presslens.extract.places.gazetteer import gazetteer; "
        "start = time.perf_counter(); gazetteer(); print(time.perf_counter() - start)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.exit(main())
