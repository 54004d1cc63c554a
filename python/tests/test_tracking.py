"""Tracking writes and evaluation on a file database."""

import govreport


def test_progress_round_trip_and_evaluation(file_db):
    d, path = file_db
    target = d.target(305)
    pid = d.add_progress(
        {"subject_kind": "target", "subject_id": 305, "period": "2024-Q2",
         "value": 35000, "unit": "万元", "cumulative": True}
    )
    rec = d.progress(pid)
    assert rec["subject_id"] == 305 and rec["period"] == "2024-Q2"
    statuses = d.evaluate_targets("2024-Q2")
    mine = [s for s in statuses if s["target_id"] == target["id"]]
    assert mine, statuses[0].keys()
    d.close()
    # The write is in the file.
    again = govreport.open(path, mode="readonly")
    assert again.progress(pid)["subject_id"] == 305
    again.close()


def test_org_unit_and_task(file_db):
    d, _ = file_db
    unit = d.add_org_unit("区人社局")
    sub = d.add_org_unit("区人社局就业科", parent_id=unit)
    assert sub != unit
    task = d.add_task({"title": "城镇新增就业", "target_id": 305})
    assert any(t["id"] == task for t in d.tasks())
    try:
        d.add_org_unit("区人社局")
    except govreport.Error as e:
        assert e.code in (2, 4), e
    else:
        raise AssertionError("a duplicate unit name was accepted")


def test_default_db_changes_are_private():
    a = govreport.open()
    a.add_progress({"subject_kind": "target", "subject_id": 305, "period": "2024-Q1",
                    "value": 1000, "unit": "万元"})
    b = govreport.open()
    assert b.query("SELECT count(*) AS n FROM progress") == [{"n": 0}]
