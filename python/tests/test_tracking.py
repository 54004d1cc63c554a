"""Tracking writes and evaluation on a file database."""

import pytest

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


def _commitment(period, status, at, **more):
    """A SYNTHETIC record on commitment 11 (居民收入增长与经济增长基本同步)."""
    record = {"subject_kind": "commitment", "subject_id": 11, "period": period,
              "work_status": status, "reported_by": "SYNTHETIC", "reported_at": at,
              "progress_text": "SYNTHETIC " + period}
    record.update(more)
    return record


def test_commitment_progress_evaluation_and_light_history(file_db):
    d, _ = file_db
    feb = d.add_progress(_commitment("2024-02", "推进中", "2024-02-26"))
    rec = d.progress(feb)
    assert rec["subject_kind"] == "commitment" and rec["work_status"] == "in_progress"
    assert rec["value"] is None and rec["cumulative"] is False
    march = d.add_progress(_commitment("2024-03", "lagging", "2024-03-27",
                                       problems="SYNTHETIC 资金未到位"))
    fix = d.add_progress(_commitment("2024-03", "推进中", "2024-04-10T09:00:00+08:00",
                                     supersedes_id=march))
    assert d.progress(march)["superseded_by"] == fix

    # Now: the correction counts. As known at the end of March: it does not.
    every = d.evaluate_commitments("2024-03")
    assert len(every) == 143
    c11 = next(c for c in every if c["commitment_id"] == 11)
    assert (c11["status"], c11["light"], c11["reason"]) == ("on_schedule", "green", "正常推进")
    then = next(c for c in d.evaluate_commitments("2024-03", known_at="2024-03-31")
                if c["commitment_id"] == 11)
    assert (then["light"], then["reason"], then["problems"]) == ("red", "报送滞后", "SYNTHETIC 资金未到位")
    quantitative = next(c for c in every if c["commitment_id"] == 10)
    assert quantitative["kind"] == "quantitative"
    assert [t["target_id"] for t in quantitative["target_statuses"]] == [10]
    silent_off = next(c for c in d.evaluate_commitments("2024-03", silent_periods=0)
                      if c["commitment_id"] == 13)
    assert (silent_off["status"], silent_off["light"]) == ("no_data", None)

    months = d.light_history("commitment", 11, "2024-01", "2024-04")
    assert [m["light"] for m in months] == ["yellow", "green", "red", "yellow"]
    assert months[2]["as_of"] == "2024-03-31T23:59:59+08:00"
    assert months[2]["latest_record_id"] == march
    # April back on track: the district's rule turns March yellow, recovered.
    d.add_progress(_commitment("2024-04", "in_progress", "2024-04-25"))
    months = d.light_history("commitment", 11, "2024-01", "2024-04", recolour_recovered=True)
    assert [(m["light"], m["recovered"]) for m in months][2] == ("yellow", True)
    assert len(d.light_history("target", 10, "2024-01", "2024-12")) == 12
    assert d.evaluate_targets("2024-03", known_at="2024-01-01")[0]["status"] == "no_data"


def test_commitment_bad_input(file_db):
    d, _ = file_db
    n = d.query("SELECT count(*) AS n FROM progress")
    with pytest.raises(govreport.InvalidArgument, match="not a value"):
        d.add_progress(_commitment("2024-03", "done", "2024-03-27", value=3, unit="%"))
    with pytest.raises(govreport.InvalidArgument, match="推进中"):
        d.add_progress(_commitment("2024-03", "进行中", "2024-03-27"))
    with pytest.raises(govreport.NotFound):
        d.add_progress(dict(_commitment("2024-03", "done", "2024-03-27"), subject_id=99999))
    assert d.query("SELECT count(*) AS n FROM progress") == n
    with pytest.raises(govreport.InvalidArgument, match="before"):
        d.light_history("commitment", 11, "2024-06", "2024-05")
    with pytest.raises(govreport.InvalidArgument, match="quarter"):
        d.light_history("commitment", 11, "2024-Q1", "2024-05")
    with pytest.raises(govreport.InvalidArgument, match="not for a task"):
        d.light_history("task", 1, "2024-01", "2024-05")
    with pytest.raises(govreport.InvalidArgument, match="subject kind"):
        d.light_history("planet", 1, "2024-01", "2024-05")
    with pytest.raises(govreport.NotFound):
        d.light_history("commitment", 99999, "2024-01", "2024-05")
    with pytest.raises(govreport.InvalidArgument, match="2024-13"):
        d.evaluate_commitments("2024-13")
