-- Migration 9 -> 10: progress records on commitments (src/tracking/progress.rs,
-- src/tracking/evaluation/commitments.rs).
--
-- A commitment's record says where its work stands (`work_status`: 未启动 / 推进中 / 已完成 /
-- 滞后) with the narrative fields every record has (进展情况, 存在的问题, 下一步措施), and no
-- value. `progress.subject_kind` gains 'commitment' in the data step after this file: SQLite
-- cannot alter a CHECK, and rebuilding `progress` would rewrite every record of the
-- append-only history; the data step edits the constraint text in sqlite_schema, the
-- procedure SQLite documents for loosening a constraint (every stored row stays valid).

-- Where a commitment's work stands; NULL on every other record (the trigger below).
ALTER TABLE progress ADD COLUMN work_status TEXT
    CHECK (work_status IS NULL OR work_status IN ('not_started','in_progress','done','lagging'));

-- The subject check finds commitments.
DROP TRIGGER progress_subject_exists;
CREATE TRIGGER progress_subject_exists BEFORE INSERT ON progress
WHEN NOT CASE NEW.subject_kind
    WHEN 'target' THEN EXISTS (SELECT 1 FROM figure WHERE kind = 'target' AND id = NEW.subject_id)
    WHEN 'task' THEN EXISTS (SELECT 1 FROM task WHERE id = NEW.subject_id)
    WHEN 'project' THEN EXISTS (SELECT 1 FROM project WHERE id = NEW.subject_id)
    WHEN 'commitment' THEN EXISTS (SELECT 1 FROM commitment WHERE id = NEW.subject_id)
    ELSE EXISTS (SELECT 1 FROM register_project WHERE id = NEW.subject_id)
END
BEGIN
    SELECT RAISE(ABORT, 'progress: unknown subject');
END;

-- A work status only on a commitment's record, and no value on one (project fields are
-- already refused by the table's check).
CREATE TRIGGER progress_commitment_fields BEFORE INSERT ON progress
WHEN (NEW.work_status IS NOT NULL AND NEW.subject_kind <> 'commitment')
  OR (NEW.subject_kind = 'commitment' AND NEW.value IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'progress: work_status is for commitment records, which carry no value');
END;

-- The view names a commitment by its quote.
DROP VIEW progress_with_subject;
-- One row: one progress record with its subject resolved: the subject's name (a target's
-- metric, a task's title, a project's or register project's name, a commitment's quote) and
-- its quote where the subject is a record of the report (targets, projects, commitments; NULL
-- for tasks and register rows).
CREATE VIEW progress_with_subject AS
SELECT p.id AS progress_id, p.subject_kind, p.subject_id, p.period,
       CASE p.subject_kind
           WHEN 'target' THEN (SELECT f.metric FROM figure f
                               WHERE f.kind = 'target' AND f.id = p.subject_id)
           WHEN 'task' THEN (SELECT t.title FROM task t WHERE t.id = p.subject_id)
           WHEN 'project' THEN (SELECT j.name FROM project j WHERE j.id = p.subject_id)
           WHEN 'register_project' THEN (SELECT r.name FROM register_project r
                                         WHERE r.id = p.subject_id)
           WHEN 'commitment' THEN (SELECT c.quote FROM commitment c WHERE c.id = p.subject_id)
       END AS subject_name,
       CASE p.subject_kind
           WHEN 'target' THEN (SELECT f.quote FROM figure f
                               WHERE f.kind = 'target' AND f.id = p.subject_id)
           WHEN 'project' THEN (SELECT j.quote FROM project j WHERE j.id = p.subject_id)
           WHEN 'commitment' THEN (SELECT c.quote FROM commitment c WHERE c.id = p.subject_id)
       END AS subject_quote
FROM progress p;
