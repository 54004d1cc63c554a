-- Migration to the org_unit names: the organisation table (单位: bureaus, towns, companies)
-- and its links get a name of their own, distinct from measurement units (src/units.rs).
-- Only renames: no row changes. SQLite rewrites the references in other tables.

ALTER TABLE unit RENAME TO org_unit;
ALTER TABLE task RENAME COLUMN lead_unit_id TO lead_org_unit_id;
ALTER TABLE task_support_unit RENAME TO task_support_org_unit;
ALTER TABLE task_support_org_unit RENAME COLUMN unit_id TO org_unit_id;
