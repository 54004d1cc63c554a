/* Every function that takes an id, called with an id that does not exist: one line per call,
 * "<function> <result code>", for capi/tests/c_abi.rs, which asserts that the Rust API gives
 * the same answer (Error::NotFound <-> GOVREPORT_NOT_FOUND) for the same call. */
#include <stdio.h>

#include "govreport.h"

#define UNKNOWN 999999

static void report(const char *name, int32_t rc) { printf("%s %d\n", name, (int)rc); }

int main(void) {
    govreport_db *db = NULL;
    if (govreport_open_default(&db) != GOVREPORT_OK) {
        fprintf(stderr, "open: %s\n", govreport_last_error_message());
        return 1;
    }
    char *s = NULL;
    int64_t id = 0;
#define STRING_CALL(name, call)        \
    do {                               \
        report(name, call);            \
        govreport_string_free(s);      \
        s = NULL;                      \
    } while (0)
    STRING_CALL("source_text", govreport_source_text(db, UNKNOWN, &s));
    STRING_CALL("sections", govreport_sections_json(db, UNKNOWN, &s));
    STRING_CALL("section", govreport_section_json(db, UNKNOWN, &s));
    STRING_CALL("paragraphs", govreport_paragraphs_json(db, UNKNOWN, &s));
    STRING_CALL("paragraph", govreport_paragraph_json(db, UNKNOWN, &s));
    STRING_CALL("target", govreport_target_json(db, UNKNOWN, &s));
    STRING_CALL("result", govreport_result_json(db, UNKNOWN, &s));
    STRING_CALL("project", govreport_project_json(db, UNKNOWN, &s));
    STRING_CALL("place", govreport_place_json(db, UNKNOWN, &s));
    STRING_CALL("glossary_term", govreport_glossary_term_json(db, UNKNOWN, &s));
    STRING_CALL("task", govreport_task_json(db, UNKNOWN, &s));
    STRING_CALL("target_decompose",
                govreport_target_decompose(db, UNKNOWN, "[{\"title\": \"城关镇\"}]", &s));
    STRING_CALL("progress_history_target",
                govreport_progress_history_json(db, "target", UNKNOWN, &s));
    STRING_CALL("progress_history_task", govreport_progress_history_json(db, "task", UNKNOWN, &s));
    STRING_CALL("progress_history_project",
                govreport_progress_history_json(db, "project", UNKNOWN, &s));
    STRING_CALL("progress_history_register_project",
                govreport_progress_history_json(db, "register_project", UNKNOWN, &s));
    STRING_CALL("evaluate_targets",
                govreport_evaluate_targets_json(db, "2024-06", "{\"report_id\": 999999}", &s));
    STRING_CALL("evaluate_projects",
                govreport_evaluate_projects_json(db, "2024-06", "{\"report_id\": 999999}", &s));
    STRING_CALL("register_projects", govreport_register_projects_json(db, UNKNOWN, &s));
    report("milestone_add", govreport_milestone_add(db, UNKNOWN, "2024-06-30", "半年", &id));
    report("milestone_complete", govreport_milestone_complete(db, UNKNOWN, "2024-06-30"));
    report("register_project_link", govreport_register_project_link(db, UNKNOWN, 1));
    report("task_update", govreport_task_update(db, UNKNOWN, "{}"));
    /* Refused before any file is made: the report is checked first. */
    report("decomposition_draft",
           govreport_decomposition_draft(db, UNKNOWN, "unknown-report-draft.csv", "csv"));
    govreport_close(db);
    return 0;
}
