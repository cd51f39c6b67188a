"""--published, --outlet and --url: metadata for text inputs, given to analyze and ingest."""

from __future__ import annotations

import json

import pytest

from presslens.cli import main
from presslens.corpus.store import open_store

FERRY = """Ferry service resumes

Police arrested two men in Kestrel Bay on Tuesday after a fire damaged the north pier, harbour chief Ines Moravec said.
"""


def _analysed(capsys, *arguments) -> dict:
    assert main(["analyze", *map(str, arguments), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_text_file_takes_the_date_outlet_and_address_given(tmp_path, capsys):
    path = tmp_path / "ferry.txt"
    path.write_text(FERRY)
    article = _analysed(capsys, path, "--published", "2016-10-06", "--outlet", "Bay Courier",
                        "--url", "https://bay.example/news/ferry")
    assert article["published"] == "2016-10-06"
    assert article["source"]["outlet"] == "Bay Courier"
    assert article["source"]["url"] == "https://bay.example/news/ferry"
    # The date anchors the article's relative dates: the Tuesday before that Thursday.
    assert {t["text"]: t["value"] for t in article["times"]}["Tuesday"] == "2016-10-04"


def test_the_date_given_wins_over_the_date_in_the_file_name(tmp_path, capsys):
    path = tmp_path / "bay_2016-10-02_ferry.txt"
    path.write_text(FERRY)
    assert _analysed(capsys, path)["published"] == "2016-10-02"
    assert _analysed(capsys, path, "--published", "2017-01-05")["published"] == "2017-01-05"


def test_an_address_given_makes_two_files_one_article_in_a_corpus(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(FERRY)
    (tmp_path / "b.txt").write_text(FERRY + "\nUpdated with the harbour chief's name.\n")
    db = tmp_path / "bay.db"
    for name in ("a.txt", "b.txt"):
        assert main(["ingest", str(tmp_path / name), "--db", str(db), "--url", "https://bay.example/news/ferry",
                     "--outlet", "Bay Courier"]) == 0
    with open_store(db) as store:
        assert store.counts()["articles"] == 1
        [row] = store.query("SELECT outlet, url FROM articles")
    assert row["url"] == "https://bay.example/news/ferry" and row["outlet"] == "Bay Courier"


@pytest.mark.parametrize("options, said", [
    (["--published", "2016-02-30"], "is not a date"),
    (["--url", "bay.example/news/ferry"], "is not a web address"),
])
def test_a_bad_value_is_one_sentence_and_exit_2(tmp_path, capsys, options, said):
    path = tmp_path / "ferry.txt"
    path.write_text(FERRY)
    with pytest.raises(SystemExit) as stop:
        main(["analyze", str(path), *options])
    assert stop.value.code == 2
    assert said in capsys.readouterr().err


def test_one_address_for_a_folder_is_refused(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(FERRY)
    assert main(["analyze", str(tmp_path), "--url", "https://bay.example/news/ferry"]) == 2
    assert "--url gives one article's address" in capsys.readouterr().err
