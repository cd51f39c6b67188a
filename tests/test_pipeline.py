"""The pipeline: long texts analysed in pieces, and a dying worker costing only its item."""

from __future__ import annotations

from presslens import pipeline
from presslens.corpus.ingest import ingest
from presslens.corpus.store import open_store
from presslens.ingest import RawArticle
from presslens.pipeline import KILL_MARK_ENV, analyze_stream, parse_in_pieces

PARAGRAPHS = [
    "The harbour of Pärnu reopened on Monday after a storm closed it for 3 days.",
    "“We lost two cranes and a warehouse,” said Liis Kask, who runs the port authority.",
    "Police arrested 4 men near the docks in Tartu on Tuesday, according to the police board.",
    "Kask said repairs would cost about €2 million and take until spring.",
]
LONG = "\n\n".join(f"{p} (Part {n}.)" for n in range(12) for p in PARAGRAPHS)


def test_pieces_join_back_into_the_whole_text(nlp):
    doc = parse_in_pieces(nlp, LONG, piece_chars=700)
    assert doc.text == LONG
    # Cut at paragraph breaks: every paragraph starts a sentence of its own.
    starts = {sentence.start_char for sentence in doc.sents}
    assert all(LONG.index(p) in starts for p in LONG.split("\n\n")[1:])


def test_a_text_without_paragraph_breaks_is_cut_between_sentences(nlp):
    text = " ".join(PARAGRAPHS * 8)
    doc = parse_in_pieces(nlp, text, piece_chars=500)
    assert doc.text == text
    assert not any(token.text.startswith("arre") and token.text != "arrested" for token in doc)


def test_a_document_analysed_in_pieces_matches_the_whole(nlp, monkeypatch):
    [whole] = analyze_stream([RawArticle(id="long", content=LONG)])
    monkeypatch.setattr(pipeline, "LONG_TEXT_CHARS", 900)
    [pieces] = analyze_stream([RawArticle(id="long", content=LONG)])
    assert pieces.text == whole.text
    assert pieces.broken_spans() == []
    mentions = sorted((m.start, m.end) for e in pieces.entities if e.name == "Liis Kask" for m in e.mentions)
    assert len(mentions) >= 12 and mentions[-1][0] > len(LONG) * 0.9  # one entity across every piece
    assert {e.name for e in pieces.entities} == {e.name for e in whole.entities}
    assert [(q.content.start, q.content.end) for q in pieces.quotes] == [(q.content.start, q.content.end)
                                                                        for q in whole.quotes]
    assert [(a.start, a.value) for a in pieces.amounts] == [(a.start, a.value) for a in whole.amounts]


def test_a_dying_worker_costs_only_the_item_that_killed_it(tmp_path, monkeypatch):
    folder = tmp_path / "crawl"
    folder.mkdir()
    for number, paragraph in enumerate(PARAGRAPHS):
        (folder / f"{number}.txt").write_text(paragraph, encoding="utf-8")
    (folder / "2-killer.txt").write_text("The dock workers met. KILL-THIS-WORKER", encoding="utf-8")
    monkeypatch.setenv(KILL_MARK_ENV, "KILL-THIS-WORKER")  # read by the spawned workers
    with open_store(tmp_path / "c.db") as store:
        report = ingest([folder], store, batch_size=2, workers=2)
        errors = list(store.rows("errors"))
    assert (report.added, report.failed) == (4, 1)
    [error] = errors
    assert error["source"].endswith("2-killer.txt")
    assert "killed the worker process" in error["message"]


def test_batches_end_at_a_count_or_a_budget_of_characters():
    texts = ["a" * 10, "b" * 10, "c" * 45, "d" * 5, "e" * 70, "f" * 1]
    found = list(pipeline.batches(texts, 3, len, chars=50))
    assert found == [["a" * 10, "b" * 10, "c" * 45], ["d" * 5, "e" * 70], ["f"]]
    assert list(pipeline.batches(texts, 2, len, chars=1000)) == [texts[:2], texts[2:4], texts[4:]]
    assert list(pipeline.batches([], 3, len)) == []


def test_a_batch_over_the_character_budget_gives_the_records_of_a_whole_batch(monkeypatch):
    items = [RawArticle(id=f"a{n}", content=p) for n, p in enumerate(PARAGRAPHS)]
    whole = [a.model_dump_json() for a in analyze_stream(items, batch_size=32)]
    monkeypatch.setattr(pipeline, "BATCH_CHARS", 100)  # about one paragraph a batch
    small = [a.model_dump_json() for a in analyze_stream(items, batch_size=32)]
    assert small == whole


def test_workers_replaced_mid_run_keep_every_record_in_input_order(monkeypatch):
    pools = []

    class CountedPool(pipeline.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", CountedPool)
    items = [RawArticle(id=f"a{n}", content=p) for n, p in enumerate(PARAGRAPHS)]
    here = [a.model_dump_json() for a in analyze_stream(items)]
    # One article a task, a new pool after every two: the third article goes to a second pool.
    replaced = list(pipeline._analyze_in_processes(items, None, 1, 2, recycle_after=2))
    assert len(pools) == 2
    assert [a.model_dump_json() for a in replaced] == here
