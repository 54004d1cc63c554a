// include/govreport.hpp from C++17: every method of govreport::Database and govreport::Cursor
// and every free function, on success and on failure (the govreport::Error they throw).
// Built with -std=c++17 -Wall -Wextra -Werror -pedantic and run (under valgrind when it is
// installed) by capi/tests/c_abi.rs; argv[1] is a writable directory.
#include "govreport.hpp"
#include "govreport.hpp"

#include <cstdio>
#include <fstream>
#include <string>
#include <type_traits>
#include <utility>

namespace {

int checks = 0;
int failures = 0;

void check(bool ok, const char *what, int line) {
    ++checks;
    if (!ok) {
        ++failures;
        std::fprintf(stderr, "FAIL line %d: %s\n", line, what);
    }
}
#define CHECK(c) check((c), #c, __LINE__)

bool contains(const std::string &s, const char *part) { return s.find(part) != std::string::npos; }

// Runs `f`, which must throw govreport::Error with `code`; returns the error's message.
template <typename F>
std::string throws(F f, int32_t code, int line) {
    try {
        f();
    } catch (const govreport::Error &e) {
        check(e.code() == code, "the expected error code", line);
        check(std::string(e.code_name()) == govreport_errstr(code), "code_name()", line);
        return e.what();
    }
    check(false, "an exception was thrown", line);
    return std::string();
}
#define THROWS(expr, code) throws([&] { (void)(expr); }, (code), __LINE__)

// The first "id" of a JSON text, or -1.
int64_t first_id(const std::string &json) {
    auto p = json.find("\"id\":");
    return p == std::string::npos ? -1 : std::stoll(json.substr(p + 5));
}

}  // namespace

int main(int argc, char **argv) {
    const std::string tmp = argc > 1 ? argv[1] : ".";
    static_assert(!std::is_copy_constructible<govreport::Database>::value, "move-only");
    static_assert(!std::is_copy_constructible<govreport::Cursor>::value, "move-only");
    static_assert(std::is_nothrow_move_constructible<govreport::Database>::value, "movable");

    // Free functions.
    CHECK(govreport::version_number() == GOVREPORT_VERSION_NUMBER);
    CHECK(govreport::abi_version() == GOVREPORT_ABI_VERSION);
    CHECK(govreport::version() == govreport_version());
    CHECK(govreport::sqlite_version().rfind("3.", 0) == 0);
    CHECK(govreport::errstr(GOVREPORT_NOT_FOUND) == govreport_errstr(GOVREPORT_NOT_FOUND));

    // Opening: a missing file read-only fails with the thread's message.
    std::string msg = THROWS(govreport::Database::open(tmp + "/missing/x.db"), GOVREPORT_IO);
    CHECK(!msg.empty() && msg == govreport::last_error_message());
    CHECK(contains(THROWS(govreport::Database::open(tmp + "/x.db", 99), GOVREPORT_INVALID_ARGUMENT),
                   "flags"));
    {
        auto created = govreport::Database::open(tmp + "/wrapper.db", GOVREPORT_OPEN_CREATE);
        CHECK(created.schema_version() > 0);
        created.close();
        CHECK(created.get() == nullptr);
        auto ro = govreport::Database::open(tmp + "/wrapper.db");
        THROWS(ro.org_unit_add(R"({"name": "只读"})"), GOVREPORT_READONLY);
        CHECK(ro.errcode() == GOVREPORT_READONLY && !ro.errmsg().empty());
    }

    auto moved = govreport::Database::open_default();
    govreport::Database db = std::move(moved);
    CHECK(moved.get() == nullptr && db.get() != nullptr);
    db.interrupt();  // nothing running: no effect
    CHECK(db.schema_version() > 0);
    db.set_busy_timeout(2000);
    THROWS(db.set_busy_timeout(-1), GOVREPORT_INVALID_ARGUMENT);
    db.set_limits(R"({"max_result_bytes": 100})");
    THROWS(db.query_json("SELECT * FROM paragraph"), GOVREPORT_TOOBIG);
    db.set_limits(nullptr);  // the defaults again
    CHECK(db.query_json("SELECT * FROM paragraph").size() > 100);
    THROWS(db.set_limits(R"({"colour": 1})"), GOVREPORT_INVALID_ARGUMENT);

    // Report text.
    CHECK(contains(db.report_json(), "\"slug\":"));
    CHECK(db.reports_json().front() == '[');
    CHECK(contains(db.source_text(1), "偃师"));
    std::string sections = db.sections_json(1);
    CHECK(db.section_json(first_id(sections)).front() == '{');
    std::string paragraphs = db.paragraphs_json(1);
    CHECK(db.paragraph_json(first_id(paragraphs)).front() == '{');
    THROWS(db.source_text(999999), GOVREPORT_NOT_FOUND);
    THROWS(db.paragraph_json(999999), GOVREPORT_NOT_FOUND);

    // Dataset.
    CHECK(contains(db.export_json(), "\"undefined_terms\""));
    std::string headline = db.targets_json(R"({"headline_only": true})");
    CHECK(contains(headline, "地区生产总值"));
    int64_t target = first_id(headline);
    CHECK(contains(db.target_json(target), "\"metric\":"));
    CHECK(db.result_json(first_id(db.results_json())).front() == '{');
    CHECK(db.project_json(first_id(db.projects_json())).front() == '{');
    CHECK(db.place_json(first_id(db.places_json())).front() == '{');
    CHECK(db.project_totals_json(R"({"year": 2024})").front() == '[');
    CHECK(contains(db.glossary_json(), "四下基层"));
    CHECK(contains(db.glossary_term_json(1), "四下基层"));
    CHECK(db.undefined_terms_json().front() == '[');
    CHECK(contains(THROWS(db.targets_json(R"({"colour": 1})"), GOVREPORT_INVALID_ARGUMENT),
                   "colour"));
    THROWS(db.glossary_term_json(999), GOVREPORT_NOT_FOUND);

    // Scripted SQL and the cursor.
    CHECK(db.query_json("SELECT ?1 AS n", "[7]") == R"([{"n":7}])");
    {
        auto cur = db.query_cursor("SELECT 1 AS i, 2.5 AS f, 'x' AS t, NULL AS z");
        CHECK(cur.column_count() == 4 && cur.column_name(2) == "t");
        CHECK(cur.step());
        CHECK(cur.column_type(0) == GOVREPORT_TYPE_INTEGER && cur.column_int64(0) == 1);
        CHECK(cur.column_type(1) == GOVREPORT_TYPE_FLOAT && cur.column_double(1) == 2.5);
        CHECK(cur.column_text(2) == std::string("x"));
        CHECK(cur.column_type(3) == GOVREPORT_TYPE_NULL && !cur.column_text(3).has_value());
        THROWS(cur.column_name(9), GOVREPORT_INVALID_ARGUMENT);
        CHECK(!cur.step() && !cur.step());
        govreport::Cursor other = std::move(cur);
        CHECK(cur.get() == nullptr && other.get() != nullptr);
    }
    msg = THROWS(db.query_json("SELECT * FROM no_such_table"), GOVREPORT_ERROR);
    CHECK(contains(msg, "no_such_table"));
    try {
        db.query_json("SELECT * FROM no_such_table");
    } catch (const govreport::Error &e) {
        CHECK(e.extended_code() == 1);  // SQLITE_ERROR
    }
    THROWS(db.query_json("DELETE FROM figure"), GOVREPORT_READONLY);
    THROWS(db.query_cursor("SELECT 1; SELECT 2"), GOVREPORT_INVALID_ARGUMENT);

    // The bulletin of June (nothing reported in memory: every commitment unreported).
    CHECK(contains(db.bulletin_json("2024-06"), "项任务中的"));
    THROWS(db.bulletin_json("2024-13"), GOVREPORT_INVALID_ARGUMENT);
    THROWS(db.bulletin_write("2024-06", "/nonexistent-dir/b.html"), GOVREPORT_IO);

    // Commitments and what is due.
    CHECK(contains(db.commitments_json(R"({"part": 4})"), "\"part\":4"));
    CHECK(contains(db.commitment_json(1), "地区生产总值增长6%左右"));
    CHECK(contains(db.framing_json(), "各位代表！"));
    CHECK(contains(db.commitment_coverage_json(1), "\"uncovered\":[]"));
    CHECK(contains(db.due_json(R"({"before": "2024-07-01"})"), "2023年老旧小区改造项目"));
    THROWS(db.due_json(R"({"before": "June"})"), GOVREPORT_INVALID_ARGUMENT);
    THROWS(db.commitment_json(-1), GOVREPORT_NOT_FOUND);

    // Search: blank is no hits; every hit opens with record_json(kind, id).
    CHECK(db.search_json("") == "[]" && db.search_json(" \t") == "[]");
    std::string hits = db.search_json("工程", R"({"kinds": ["glossary"], "limit": 1})");
    int64_t term = first_id(hits);
    CHECK(term > 0 && db.record_json("glossary", term) == db.glossary_term_json(term));
    CHECK(db.record_json("target", target) == db.target_json(target));
    THROWS(db.record_json("planet", 1), GOVREPORT_INVALID_ARGUMENT);
    THROWS(db.record_json("place", 999999), GOVREPORT_NOT_FOUND);
    THROWS(db.search_json("储能", "{"), GOVREPORT_INVALID_ARGUMENT);
    db.rebuild_search_index();  // in memory: rebuilt in place, finds what it found before
    CHECK(first_id(db.search_json("工程", R"({"kinds": ["glossary"], "limit": 1})")) == term);

    // Tracking (the default database is in memory: writes are private to the handle).
    int64_t unit = db.org_unit_add(R"({"name": "区包装测试局"})");
    CHECK(unit > 0 && contains(db.org_units_json(), "区包装测试局"));
    THROWS(db.org_unit_add(R"({"name": "区包装测试局"})"), GOVREPORT_INVALID_ARGUMENT);
    int64_t task = db.task_add(R"({"title": "包装测试任务", "deadline": "2024-12-31"})");
    CHECK(contains(db.task_json(task), "包装测试任务") && contains(db.tasks_json(), "包装测试任务"));
    db.task_update(task, R"({"leader": "合成领导甲", "notes": "包装测试"})");
    CHECK(contains(db.task_json(task), "\"leader\":\"合成领导甲\""));
    THROWS(db.task_update(task, R"({"owner": "x"})"), GOVREPORT_INVALID_ARGUMENT);
    THROWS(db.task_update(999999, "{}"), GOVREPORT_NOT_FOUND);
    int64_t ms = db.milestone_add(task, "2024-06-30", "过半");
    CHECK(ms > 0);
    db.milestone_complete(ms, "2024-06-29");
    THROWS(db.milestone_complete(ms, "2024-06-30"), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(db.target_decompose(target, R"([{"title": "分项一"}])"), "\"task_ids\":"));
    std::string progress = R"({"subject_kind": "task", "subject_id": )" + std::to_string(task) +
                           R"(, "period": "2024-03", "progress_text": "推进中"})";
    CHECK(db.progress_append(progress) > 0);
    CHECK(db.progress_append_batch("[]") == 0);
    CHECK(contains(db.progress_history_json("task", task), "推进中"));
    THROWS(db.progress_history_json("planet", 1), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(db.evaluate_targets_json("2024-06"), "\"light\":"));
    CHECK(contains(db.evaluate_projects_json("2024-Q2", R"({"as_of": "2024-06-30"})"),
                   "\"schedule_pct\":"));
    THROWS(db.evaluate_targets_json("2024-13"), GOVREPORT_INVALID_ARGUMENT);
    // A commitment's record (SYNTHETIC), its evaluation and its history.
    CHECK(db.progress_append(R"({"subject_kind": "commitment", "subject_id": 11, "period": "2024-06", "work_status": "滞后", "progress_text": "SYNTHETIC", "reported_at": "2024-06-20"})") > 0);
    CHECK(contains(db.evaluate_commitments_json("2024-06"), "\"reason\":\"报送滞后\""));
    CHECK(contains(db.light_history_json("commitment", 11, "2024-05", "2024-06"),
                   "{\"period\":\"2024-06\",\"as_of\":\"2024-06-30T23:59:59+08:00\",\"light\":\"red\""));
    THROWS(db.light_history_json("commitment", 11, "2024-06", "2024-05"), GOVREPORT_INVALID_ARGUMENT);
    THROWS(db.light_history_json("commitment", 99999, "2024-05", "2024-06"), GOVREPORT_NOT_FOUND);

    // Decomposition: the draft, imported back unfilled (143 tasks), an existing path refused,
    // a bad file's problems in Error::details().
    const std::string draft = tmp + "/decomposition.csv";
    std::remove(draft.c_str());
    db.decomposition_draft(1, draft);
    THROWS(db.decomposition_draft(1, draft, "csv"), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(db.decomposition_import(1, draft), "\"created\":143"));
    CHECK(contains(db.decomposition_import(1, draft, R"({"max_rows": 1000})"), "\"unchanged\":143"));
    const std::string bad_table = tmp + "/bad_decomposition.csv";
    std::ofstream(bad_table) << "序号,工作任务,完成时限\n十一.1,SYNTHETIC 不存在的任务,尽快\n";
    try {
        db.decomposition_import(1, bad_table);
        CHECK(false);
    } catch (const govreport::Error &e) {
        CHECK(e.code() == GOVREPORT_INVALID_ARGUMENT && contains(e.details(), "\"row\":2,"));
    }
    THROWS(db.decomposition_import(999999, draft), GOVREPORT_NOT_FOUND);

    // Registers: export, import back, a bad file's problems in Error::details().
    const std::string csv = tmp + "/register.csv";
    db.register_export_projects(csv, "csv");
    CHECK(contains(db.register_import_projects(csv), "\"rows_read\":"));
    const std::string bad = tmp + "/bad_villages.csv";
    std::ofstream(bad) << "统计用区划代码,名称,年份,集体经济收入（万元）,五星支部星级\n"
                          "4103071012,短代码村,2024,10,3\n";
    try {
        db.register_import_villages(bad);
        CHECK(false);
    } catch (const govreport::Error &e) {
        CHECK(e.code() == GOVREPORT_INVALID_ARGUMENT && contains(e.details(), "\"problems\":["));
    }
    THROWS(db.register_import_projects(tmp + "/missing.csv"), GOVREPORT_IO);
    THROWS(db.register_export_projects(tmp + "/x.csv", "pdf"), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(db.register_check_json(), "\"checks\":"));
    CHECK(contains(db.register_village_rollup_json(2024), "\"lines\":"));
    std::string rows = db.register_projects_json(1);
    CHECK(rows.front() == '[');
    THROWS(db.register_village_rollup_json(1000), GOVREPORT_INVALID_ARGUMENT);
    THROWS(db.register_project_link(999999, 0), GOVREPORT_NOT_FOUND);
    if (first_id(rows) > 0) db.register_project_link(first_id(rows), 0);

    // Owned strings: govreport::String frees with govreport_string_free.
    char *raw = nullptr;
    CHECK(govreport_report_json(db.get(), &raw) == GOVREPORT_OK);
    govreport::String owned(raw);
    CHECK(owned && govreport::detail::take(owned.release()).front() == '{');

    std::printf("c++ wrapper: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
