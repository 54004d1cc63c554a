"""The dataset queries, search and read-only SQL."""

import json

import pytest

import govreport


def test_open_default_report(db):
    (report,) = db.reports()
    assert report["region"] == "洛阳市偃师区"


def test_targets_headline_are_a_subset(db):
    every = db.targets()
    headline = db.targets(headline_only=True)
    assert 0 < len(headline) < len(every)
    assert all(t["kind"] == "target" for t in every)
    assert {t["id"] for t in headline} <= {t["id"] for t in every}
    assert isinstance(headline, list) and isinstance(headline[0], dict)


def test_targets_filter_by_measure_and_text(db):
    growth = db.targets(measure="growth_rate")
    assert growth and all(t["measure"] == "growth_rate" for t in growth)
    gdp = db.targets(text="地区生产总值")
    assert any("地区生产总值" in t["metric"] for t in gdp)


def test_point_lookups_match_lists(db):
    t = db.targets()[0]
    assert db.target(t["id"]) == t
    r = db.results()[0]
    assert r["kind"] == "result" and db.result(r["id"]) == r
    p = db.projects()[0]
    assert db.project(p["id"]) == p
    pl = db.places()[0]
    assert db.place(pl["id"]) == pl


def test_projects_due_before_gives_real_items(db):
    due = db.projects(due_before="2024-07-01")
    assert {533, 534, 568} <= {p["id"] for p in due}


def test_places_and_glossary(db):
    places = db.places()
    kind = places[0]["kind"]
    assert all(p["kind"] == kind for p in db.places(kind=kind))
    terms = db.glossary()
    assert terms and db.glossary_term(terms[0]["id"])["id"] == terms[0]["id"]


def test_export_holds_every_dataset(db):
    e = db.export()
    assert len(e["targets"]) == len(db.targets())
    assert len(e["projects"]) == len(db.projects())


def test_search(db):
    hits = db.search("乡村振兴", limit=3)
    assert 0 < len(hits) <= 3
    assert "【乡村振兴】" in hits[0]["snippet"]
    only = db.search("乡村振兴", kinds=["paragraph"])
    assert only and all(h["kind"] == "paragraph" for h in only)
    assert db.search("   ") == []


def test_search_glossary_hit_opens_with_glossary_term(db):
    hits = db.search(db.glossary()[0]["term"], kinds=["glossary"])
    assert hits
    assert db.glossary_term(hits[0]["id"])["id"] == hits[0]["id"]


def test_query_with_positional_and_named_params(db):
    n = len(db.targets())
    assert db.query("SELECT count(*) AS n FROM figure WHERE kind = ?", ["target"]) == [{"n": n}]
    assert db.query("SELECT :a + 1 AS b", {"a": 41}) == [{"b": 42}]
    assert db.query("SELECT 1 AS x") == [{"x": 1}]


def test_to_pandas_or_clear_import_error(db):
    recs = db.targets(headline_only=True)
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install pandas"):
            recs.to_pandas()
    else:
        df = recs.to_pandas()
        assert len(df) == len(recs) and "metric" in df.columns


def test_results_are_json_round_trippable(db):
    assert json.loads(json.dumps(db.export(), ensure_ascii=False))["targets"]


def test_context_manager_closes(tmp_path):
    with govreport.open() as d:
        assert d.targets()
    with pytest.raises(govreport.InvalidArgument, match="closed"):
        d.targets()


def test_one_db_shared_between_threads(db):
    import threading

    want = db.target(1)
    seen = []

    def work():
        for _ in range(200):
            seen.append(db.target(1) == want)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 800 and all(seen)
