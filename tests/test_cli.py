"""The command line, run as a user runs it: real files in, JSON, text and HTML out."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from presslens.cli import main

ARTICLE = """Council approves new tram line

The city council on Wednesday approved a new tram line linking the harbour to the university.

‘This is a good day for commuters,’ said Mayor Liesl Brandt.
"""

HOSTILE = """Editor <script>alert('x')</script> resigns

The board said the editor <img src=x onerror=alert(1)> had resigned, and a <a href="javascript:alert(2)">link</a> was shared.
"""

CONTRACT_LISTS = ("blocks", "removed", "entities", "quotes", "amounts", "events")


@pytest.fixture()
def article_file(tmp_path):
    path = tmp_path / "tram.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_analyze_prints_the_json_contract(article_file, capsys, nlp):
    assert main(["analyze", str(article_file)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["schema_version"] == "1.0"
    assert record["title"] == "Council approves new tram line"
    for name in CONTRACT_LISTS:
        assert isinstance(record[name], list)
    assert isinstance(record["framing"]["spans"], list) and isinstance(record["framing"]["voices"], list)
    for block in record["blocks"]:
        assert block["kind"] in ("headline", "paragraph", "bullet", "caption", "boilerplate")
    assert record["source"]["path"].endswith("tram.txt")


def test_analyze_folder_writes_json_lines_and_reports_the_bad_file(tmp_path, capsys, nlp):
    (tmp_path / "one.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "two.txt").write_text("The bridge reopened on Friday after a week of repairs.", encoding="utf-8")
    (tmp_path / "broken.txt").write_bytes(b"\x00\xff\x10" * 300)
    assert main(["analyze", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert len(records) == 2
    assert "broken.txt" in captured.err and "binary" in captured.err
    assert "1 input failed; 2 analysed" in captured.err


def test_text_summary_names_the_entities(article_file, capsys, nlp):
    assert main(["analyze", str(article_file), "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "Council approves new tram line" in out
    assert "Liesl Brandt" in out


def test_html_report_escapes_hostile_text(tmp_path, nlp):
    source = tmp_path / "hostile.txt"
    source.write_text(HOSTILE, encoding="utf-8")
    report = tmp_path / "report.html"
    assert main(["analyze", str(source), "--format", "html", "-o", str(report)]) == 0
    html = report.read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert" in html
    assert "Content-Security-Policy" in html


def test_schema_command_prints_a_versioned_json_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["version"] == "1.0"
    assert {"entities", "quotes", "amounts", "events", "framing"} <= set(schema["properties"])


def test_demo_writes_record_and_report_and_says_where(tmp_path, capsys, nlp):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "demo.json").exists() and (tmp_path / "demo.html").exists()
    assert "demo.html" in out
    record = json.loads((tmp_path / "demo.json").read_text())
    assert not any(r["kind"] == "duplicate_caption" for r in record["blocks"])
    assert sum(1 for r in record["removed"] if r["kind"] == "duplicate_caption") == 2


@pytest.mark.parametrize("content, expected", [
    (b"", "is empty"),
    (b"\x00\x01\x02\x03" * 100, "binary"),
])
def test_bad_single_input_is_one_sentence_and_nonzero(tmp_path, content, expected):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    result = subprocess.run([sys.executable, "-m", "presslens.cli", "analyze", str(path)],
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_and_oversized_inputs_exit_nonzero_without_traceback(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("news " * 400)
    for args in (["analyze", str(tmp_path / "missing.txt")], ["analyze", str(big), "--max-bytes", "100"]):
        result = subprocess.run([sys.executable, "-m", "presslens.cli", *args], capture_output=True, text=True)
        assert result.returncode != 0
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_stdin_is_read(nlp):
    result = subprocess.run([sys.executable, "-m", "presslens.cli", "analyze", "-"], input=ARTICLE,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["title"] == "Council approves new tram line"


def test_unknown_model_is_one_sentence(article_file):
    result = subprocess.run([sys.executable, "-m", "presslens.cli", "analyze", str(article_file),
                             "--model", "no_such_pipeline"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "no_such_pipeline" in result.stderr and "not installed" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ingest_with_an_unknown_model_is_one_sentence_before_any_work(article_file, tmp_path, workers):
    db = tmp_path / "corpus.db"
    result = subprocess.run([sys.executable, "-m", "presslens.cli", "ingest", str(article_file), "--db", str(db),
                             "--workers", workers, "--model", "no_such_pipeline"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "no_such_pipeline" in result.stderr and "not installed" in result.stderr
    assert "Traceback" not in result.stderr
    assert not db.exists()  # nothing was started


def test_the_model_check_of_a_process_that_does_not_parse_leaves_the_model_unloaded():
    code = ("import sys; from presslens.nlp import require_model, model_name; "
            "assert require_model() == model_name(); assert 'spacy.language' in sys.modules; "
            "loaded = [m for m in sys.modules if m.startswith('en_core_web')]; print(loaded)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_failing_extractor_costs_only_its_own_article(tmp_path, monkeypatch, capsys, nlp):
    import presslens.pipeline as pipeline

    real = pipeline.extractors

    def failing_on_keyword():
        steps = real()

        def trap(doc, document, article):
            if "TRAPDOOR" in document.text:
                raise RuntimeError("simulated extractor bug")

        return [*steps, trap]

    monkeypatch.setattr(pipeline, "extractors", failing_on_keyword)
    (tmp_path / "a.txt").write_text("The ferry left the harbour at dawn.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("A TRAPDOOR was found under the stage.", encoding="utf-8")
    (tmp_path / "c.txt").write_text("The museum reopened its west wing.", encoding="utf-8")
    assert main(["analyze", str(tmp_path), "--format", "jsonl"]) == 1
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 2
    assert "b.txt" in captured.err and "simulated extractor bug" in captured.err


def test_text_longer_than_the_parser_accepts_is_analysed_in_pieces(tmp_path, capsys, nlp, monkeypatch):
    monkeypatch.setattr(nlp, "max_length", 2000)
    paragraphs = [f"The council of Tartu met for the {n}th time on Monday, said Anneli Saar." for n in range(60)]
    (tmp_path / "long.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    assert main(["analyze", str(tmp_path / "long.txt")]) == 0
    record = json.loads(capsys.readouterr().out)
    assert len(record["text"]) > 2000
    names = {e["name"] for e in record["entities"]}
    assert "Anneli Saar" in names
    mentions = [m for e in record["entities"] if e["name"] == "Anneli Saar" for m in e["mentions"]]
    assert mentions[-1]["start"] > 2000  # a mention in a later piece, placed in the whole text
    assert all(record["text"][m["start"]:m["end"]] == m["text"] for m in mentions)


def test_csv_table_of_quotes_has_one_row_per_quote(article_file, capsys, nlp):
    import csv
    import io

    assert main(["analyze", str(article_file), "--format", "csv", "--table", "quotes"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 1
    assert rows[0]["speaker"] == "Liesl Brandt"
    assert rows[0]["kind"] == "direct"
    assert rows[0]["content"].startswith("This is a good day")


def test_csv_table_of_events_has_acled_like_columns(tmp_path, capsys, nlp):
    import csv
    import io

    path = tmp_path / "strike.txt"
    path.write_text("Strike hits city\n\nA missile strike on Dnipro killed three people, the regional governor said.\n",
                    encoding="utf-8")
    assert main(["analyze", str(path), "--format", "csv", "--table", "events"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    strike = [r for r in rows if r["location"] == "Dnipro"]
    assert strike, rows
    assert strike[0]["event_type"] == "Explosions/Remote violence"
    assert strike[0]["fatalities"] == "3"
    assert strike[0]["country_code"] == "UA" and float(strike[0]["latitude"]) > 48


def test_csv_of_articles_gives_json_lines(tmp_path, capsys, nlp):
    import csv as csv_module

    path = tmp_path / "articles.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv_module.writer(handle)
        writer.writerow(["title", "text"])
        writer.writerow(["Ferry resumes", "The ferry to Oldport resumed service on Monday."])
        writer.writerow(["Bridge closes", "The old bridge closed for repairs, the council said."])
    assert main(["analyze", str(path)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["title"] for r in records] == ["Ferry resumes", "Bridge closes"]


def test_analyze_places_file_sets_the_place_a_name_means(tmp_path, capsys, nlp, monkeypatch):
    monkeypatch.setenv("PRESSLENS_PLACES", "")  # recorded, so what --places sets is undone after the test
    article = tmp_path / "a.txt"
    article.write_text("Crowds gathered in Springfield on Saturday for the parade.\n", encoding="utf-8")
    places = tmp_path / "places.tsv"
    places.write_text("Springfield\t4409896\n", encoding="utf-8")  # Springfield, Missouri
    assert main(["analyze", str(article), "--places", str(places), "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    geo = next(e["geo"] for e in record["entities"] if e["name"] == "Springfield")
    assert geo["geonames_id"] == 4409896 and geo["via"] == "override" and geo["admin1"] == "Missouri"


def test_analyze_with_a_broken_places_file_is_one_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PRESSLENS_PLACES", "")  # recorded, so what --places sets is undone after the test
    article = tmp_path / "a.txt"
    article.write_text("Crowds gathered in Springfield.\n", encoding="utf-8")
    places = tmp_path / "places.tsv"
    places.write_text("Springfield Missouri\n", encoding="utf-8")
    assert main(["analyze", str(article), "--places", str(places)]) == 2
    err = capsys.readouterr().err
    assert "line 1" in err and "Traceback" not in err
