"""Quote extraction as a whole: ids and offsets of the records, and the PolNeAR scorer, on texts written for these tests.

People and places in the texts are invented.
"""

from __future__ import annotations


def test_quote_ids_in_text_order(analyze):
    text = ("Minister Hanne Lyst said taxes would rise. Opposition leader Per Omdal said that they would not.\n")
    article = analyze(text)
    assert [q.id for q in article.quotes] == [f"q{i}" for i in range(1, len(article.quotes) + 1)]
    starts = [q.content.start for q in article.quotes]
    assert starts == sorted(starts)
    for quote in article.quotes:
        assert article.text[quote.content.start:quote.content.end] == quote.content.text


def test_polnear_scorer_on_a_tiny_folder(tmp_path, analyze):
    from presslens.eval.polnear import evaluate_polnear, format_polnear

    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    text = "Storm hits coast\n\nMayor Tilda Varnum said the bridge will reopen in May.\n"
    (tmp_path / "text" / "a1.txt").write_text(text, encoding="utf-8")
    source = text.index("Mayor Tilda Varnum")
    cue = text.index("said")
    content = text.index("the bridge")
    content_end = text.index(".\n", content)
    (tmp_path / "attributions" / "a1_x1.ann").write_text(
        f"T1\tSource {source} {source + 18}\tMayor Tilda Varnum\n"
        f"T2\tCue {cue} {cue + 4}\tsaid\n"
        f"T3\tContent {content} {content_end}\t{text[content:content_end]}\n"
        f"T4\tAttribution {cue} {cue + 4}\tsaid\n"
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n",
        encoding="utf-8",
    )
    # a second annotator's file is ignored: the first by name is used
    (tmp_path / "attributions" / "a1_z9.ann").write_text("", encoding="utf-8")
    result = evaluate_polnear(tmp_path)
    assert result["task"] == "polnear" and result["articles"] == 1
    metrics = result["metrics"]
    assert set(metrics) == {"cue_exact", "cue_overlap", "source_exact", "source_overlap",
                            "content_exact", "content_overlap", "relation", "speaker_entity"}
    assert metrics["relation"]["f1"] == 1.0
    assert metrics["cue_exact"]["f1"] == 1.0
    assert metrics["content_overlap"]["r"] == 1.0
    assert "relation" in format_polnear(result)


def test_scorer_leaves_out_nested_reports():
    from presslens.eval.polnear import Relation, outermost

    # "Smith said Jones believes the vote was fair": cue "said" 6-10, content 11-47;
    # the nested report's cue "believes" lies inside that content.
    outer = Relation(cue=[(6, 10)], source=[(0, 5)], content=[(11, 47)])
    inner = Relation(cue=[(17, 25)], source=[(11, 16)], content=[(26, 47)])
    separate = Relation(cue=[(60, 64)], source=[(49, 59)], content=[(65, 80)])
    assert outermost([outer, inner, separate]) == [outer, separate]
    # each inside the other (a parse error): neither is the outer one, both are kept
    crossed = Relation(cue=[(30, 34)], source=[], content=[(0, 12)])
    assert outermost([outer, crossed]) == [outer, crossed]


def test_speaker_entity_scores_the_resolved_name_not_the_span():
    from presslens.eval.polnear import ROLES, Relation, _Counts, score_article

    # gold: "He" is the source of the first report, the proper name "Doe" of the second
    text = "Jo Doe arrived. He said the vote was fair. Doe said it was late."
    gold = [Relation(cue=[(19, 23)], source=[(16, 18)], content=[(24, 41)]),
            Relation(cue=[(47, 51)], source=[(43, 46)], content=[(52, 63)])]
    right = Relation(cue=[(47, 51)], source=[(43, 46)], content=[(52, 63)], speaker="Jo Doe")
    wrong = Relation(cue=[(47, 51)], source=[(43, 46)], content=[(52, 63)], speaker="Ann Lee")

    def speaker_entity(predicted):
        counts = {f"{role}_{match}": _Counts() for role in ROLES for match in ("exact", "overlap")}
        counts["relation"], counts["speaker_entity"] = _Counts(), _Counts()
        score_article(text, gold, predicted, counts)
        return counts["speaker_entity"].scores()

    assert speaker_entity([right])["f1"] == 1.0  # only the named gold source counts
    assert speaker_entity([wrong])["f1"] == 0.0  # the span overlaps, the name is wrong
