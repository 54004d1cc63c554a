"""Search hits opened by (kind, id), register imports, project evaluation, publishing for
other tools and the index rebuild — the Python side of README's "Other tools"."""

import sqlite3

import pytest

import govreport

# SYNTHETIC registers written for these tests (not real projects).
PROJECTS_CSV = (
    "SYNTHETIC 合成测试数据（非真实项目）\n"
    "项目代码,项目名称,项目类别,总投资（万元）,年度计划投资（万元）,业主单位,包保领导,计划开工时间\n"
    "SYN-001,合成测试项目甲,新开工,52000,20000,合成测试公司,王五,2024-03-01\n"
    "SYN-002,合成测试项目乙,续建,10000,3000,合成测试公司,赵六,2023-05-01\n"
)
PROJECTS_BAD_CSV = (
    "SYNTHETIC 合成测试数据（非真实项目）\n"
    "项目代码,项目名称,项目类别,总投资（万元）,年度计划投资（万元）\n"
    "SYN-101,合成坏行测试甲,未知类别,100,50\n"
    "SYN-102,合成坏行测试乙,续建,abc,50\n"
)


def test_every_search_hit_opens_with_record(db):
    hits = db.search("储能", limit=20)
    assert hits
    for hit in hits:
        record = db.record(hit["kind"], hit["id"])
        assert record["id"] == hit["id"]
    target = db.targets()[0]
    assert db.record("target", target["id"]) == db.target(target["id"])
    with pytest.raises(govreport.InvalidArgument):
        db.record("planet", 1)
    with pytest.raises(govreport.NotFound):
        db.record("place", 999999)


def test_register_import_all_or_nothing_and_project_evaluation(file_db, tmp_path):
    db, _ = file_db
    good = tmp_path / "projects.csv"
    good.write_text(PROJECTS_CSV, encoding="utf-8")
    bad = tmp_path / "projects_bad.csv"
    bad.write_text(PROJECTS_BAD_CSV, encoding="utf-8")
    summary = db.import_register("projects", good)
    assert summary["inserted"] == 2 and summary["source"] == "projects.csv"
    assert db.import_register("projects", good)["updated"] == 2  # re-import: same rows
    with pytest.raises(govreport.InvalidArgument) as e:
        db.import_register("projects", bad)
    message = str(e.value)
    assert "未知类别" in message and "abc" in message  # every bad row listed
    count = db.query("SELECT count(*) AS n FROM register_project")[0]["n"]
    assert count == 2  # nothing of the bad file imported
    with pytest.raises(govreport.IoError):
        db.import_register("projects", tmp_path / "missing.csv")
    with pytest.raises(govreport.InvalidArgument):
        db.import_register("planets", good)
    summary = db.evaluate_projects("2024-06", as_of="2024-06-30")
    assert summary["period"] == "2024-06" and len(summary["projects"]) == 2
    with pytest.raises(govreport.InvalidArgument):
        db.evaluate_projects("2024-13")


def test_publish_for_other_tools_and_rebuild_the_index(file_db, tmp_path):
    db, path = file_db
    out = tmp_path / "published.db"
    db.publish(out)
    with pytest.raises(govreport.InvalidArgument):
        db.publish(out)  # an existing file is refused
    c = sqlite3.connect(f"file:{out}?mode=ro", uri=True)
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert c.execute("SELECT count(*) FROM target").fetchone()[0] == 107
    n = c.execute(
        "SELECT count(*) FROM search_index s JOIN search_document d ON d.key = s.rowid "
        "WHERE search_index MATCH '\"乡村 村振 振兴\"' AND d.kind = 'paragraph'"
    ).fetchone()[0]
    assert n == 7
    c.close()
    # Text edited by another tool is found only after the rebuild.
    w = sqlite3.connect(path)
    w.execute("UPDATE paragraph SET text = text || '量子隧穿' WHERE id = (SELECT min(id) FROM paragraph)")
    w.commit()
    w.close()
    assert db.search("量子隧穿") == []
    db.rebuild_search_index()
    assert len(db.search("量子隧穿")) == 1
    sql = (
        "SELECT d.kind FROM search_index s JOIN search_document d ON d.key = s.rowid "
        "WHERE search_index MATCH govreport_search_expr(?)"
    )
    assert db.query(sql, ["量子隧穿"]) == [{"kind": "paragraph"}]


def test_commitments_and_what_is_due(db):
    all_ = db.commitments()
    assert len(all_) == 143
    assert len(db.commitments(area=3)) == 14
    q = db.commitments(part=2, kind="qualitative")
    assert [c["id"] for c in q] == [11, 13]
    assert db.commitment(11)["quote"] == "居民收入增长与经济增长基本同步"
    with pytest.raises(govreport.NotFound):
        db.commitment(99999)
    with pytest.raises(govreport.InvalidArgument):
        db.commitments(kind="vague")
    due = db.due(before="2024-07-01")
    assert [(d["kind"], d["id"]) for d in due] == [
        ("commitment", 410), ("project", 533), ("project", 534),
        ("commitment", 406), ("project", 568),
    ]
    assert [d["id"] for d in db.due(before="2024-07-01", kinds="project")] == [533, 534, 568]
    with pytest.raises(govreport.InvalidArgument):
        db.due(before="2024-13-01")


def test_the_bulletin_as_a_dict_and_as_files(file_db, tmp_path):
    db, _ = file_db
    # SYNTHETIC: one commitment reported lagging in June.
    db.add_progress({
        "subject_kind": "commitment", "subject_id": 101, "period": "2024-06",
        "work_status": "lagging", "problems": "SYNTHETIC 合成问题",
        "reported_at": "2024-06-25",
    })
    b = db.bulletin("2024-06")
    assert b["summary"].startswith("143项任务中的")
    assert any(item["commitment_id"] == 101 for item in b["lagging"])
    html = tmp_path / "june.html"
    db.write_bulletin("2024-06", html)
    assert "SYNTHETIC 合成问题" in html.read_text(encoding="utf-8")
    docx = tmp_path / "june.docx"
    db.write_bulletin("2024-06", docx)
    assert docx.read_bytes()[:2] == b"PK"
    with pytest.raises(govreport.InvalidArgument):
        db.write_bulletin("2024-06", html)  # exists
    with pytest.raises(govreport.InvalidArgument):
        db.bulletin("2024-13")
