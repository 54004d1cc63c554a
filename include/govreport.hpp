/*
 * govreport.hpp — a header-only C++17 wrapper over the C ABI in govreport.h.
 *
 *   #include <govreport.hpp>
 *   auto db = govreport::Database::open_default();
 *   std::string json = db.query_json("SELECT id, metric FROM figure WHERE kind = 'target'");
 *
 * - govreport::Database owns a govreport_db * (closed by the destructor); govreport::Cursor owns
 *   a govreport_cursor *. Both are move-only.
 * - Every C function has one thin method (or a free function for those without a handle). JSON
 *   and text results come back as std::string; the library's string is held by a
 *   govreport::String (a std::unique_ptr that calls govreport_string_free) until copied.
 * - A failing call throws govreport::Error with the result code (enum govreport_result),
 *   SQLite's extended result code (0 outside SQLite) and the library's message.
 * - Optional C arguments (a NULL filter, options or parameters) are `const char *` defaulting to
 *   nullptr; required text is `const std::string &`.
 * - No dependency beyond the C++17 standard library and libgovreport.
 */

#ifndef GOVREPORT_HPP
#define GOVREPORT_HPP

#include "govreport.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace govreport {

/** A failed govreport call: the result code, SQLite's extended code and the message. */
class Error : public std::runtime_error {
  public:
    /** An error with `code` (a govreport_result), `extended_code` (SQLite's, or 0) and text. */
    Error(int32_t code, int32_t extended_code, const std::string &message,
          std::string details = std::string())
        : std::runtime_error(message), code_(code), extended_code_(extended_code),
          details_(std::move(details)) {}

    /** The result code (GOVREPORT_INVALID_ARGUMENT …): stable, compare it, not the text. */
    int32_t code() const noexcept { return code_; }
    /** SQLite's extended result code of the failed call, or 0 when SQLite was not involved. */
    int32_t extended_code() const noexcept { return extended_code_; }
    /** govreport_errstr(code()): a static English name of the code. */
    const char *code_name() const noexcept { return govreport_errstr(code_); }
    /** Extra JSON the call returned with its failure (a register import's problem list), or "". */
    const std::string &details() const noexcept { return details_; }

  private:
    int32_t code_;
    int32_t extended_code_;
    std::string details_;
};

/** Deleter of strings returned through `char **out`. */
struct StringFree {
    void operator()(char *s) const noexcept { govreport_string_free(s); }
};

/** A string owned by the library (from a `char **out`), freed with govreport_string_free. */
using String = std::unique_ptr<char, StringFree>;

namespace detail {

/** Copies and frees an owned string; NULL gives "". */
inline std::string take(char *s) {
    String owned(s);
    return owned ? std::string(owned.get()) : std::string();
}

/** Throws for a failed call without a handle (the thread's last message). */
inline void check(int32_t rc) {
    if (rc != GOVREPORT_OK) throw Error(rc, 0, govreport_last_error_message());
}

/** Throws for a failed call on `db` (the thread's message: safe with several threads). */
inline void check(const govreport_db *db, int32_t rc) {
    if (rc != GOVREPORT_OK)
        throw Error(rc, govreport_extended_errcode(db), govreport_last_error_message());
}

}  // namespace detail

/** govreport_version(): the library's version text ("0.1.0"). */
inline std::string version() { return govreport_version(); }
/** govreport_version_number(): MAJOR * 1000000 + MINOR * 1000 + PATCH of the linked library. */
inline uint32_t version_number() noexcept { return govreport_version_number(); }
/** govreport_abi_version(): the number in the library's soname. */
inline uint32_t abi_version() noexcept { return govreport_abi_version(); }
/** govreport_sqlite_version(): the SQLite built into the library. */
inline std::string sqlite_version() { return govreport_sqlite_version(); }
/** govreport_errstr(): a static English text for a result code. */
inline std::string errstr(int32_t code) { return govreport_errstr(code); }
/** govreport_last_error_message(): the last failure on this thread. */
inline std::string last_error_message() { return govreport_last_error_message(); }

/** A running read-only query (govreport_query_cursor), stepped row by row. */
class Cursor {
  public:
    /** Takes ownership of `cur` (freed with govreport_cursor_free). */
    explicit Cursor(govreport_cursor *cur) noexcept : cur_(cur) {}
    Cursor(Cursor &&) noexcept = default;
    Cursor &operator=(Cursor &&) noexcept = default;

    /** govreport_cursor_step(): true when a row is ready, false when there are no more rows. */
    bool step() {
        int32_t rc = govreport_cursor_step(cur_.get());
        if (rc == GOVREPORT_ROW) return true;
        if (rc == GOVREPORT_DONE) return false;
        throw Error(rc, 0, govreport_last_error_message());
    }
    /** govreport_cursor_column_count(): the number of result columns. */
    int32_t column_count() const noexcept { return govreport_cursor_column_count(cur_.get()); }
    /** govreport_cursor_column_name(): the name of column `col` (0-based). */
    std::string column_name(int32_t col) const {
        const char *name = nullptr;
        detail::check(govreport_cursor_column_name(cur_.get(), col, &name));
        return name;
    }
    /** govreport_cursor_column_type(): one of GOVREPORT_TYPE_… for the current row. */
    int32_t column_type(int32_t col) const {
        int32_t type = 0;
        detail::check(govreport_cursor_column_type(cur_.get(), col, &type));
        return type;
    }
    /** govreport_cursor_column_text(): the value as text; SQL NULL gives std::nullopt. */
    std::optional<std::string> column_text(int32_t col) const {
        const char *text = nullptr;
        detail::check(govreport_cursor_column_text(cur_.get(), col, &text));
        if (text == nullptr) return std::nullopt;
        return std::string(text);
    }
    /** govreport_cursor_column_int64(): the value as a 64-bit integer (NULL gives 0). */
    int64_t column_int64(int32_t col) const {
        int64_t v = 0;
        detail::check(govreport_cursor_column_int64(cur_.get(), col, &v));
        return v;
    }
    /** govreport_cursor_column_double(): the value as a double (NULL gives 0.0). */
    double column_double(int32_t col) const {
        double v = 0;
        detail::check(govreport_cursor_column_double(cur_.get(), col, &v));
        return v;
    }
    /** The C cursor, still owned by this object. */
    govreport_cursor *get() const noexcept { return cur_.get(); }

  private:
    struct Free {
        void operator()(govreport_cursor *c) const noexcept { govreport_cursor_free(c); }
    };
    std::unique_ptr<govreport_cursor, Free> cur_;
};

/** An open govreport database (govreport_db *), closed by the destructor. */
class Database {
  public:
    /** govreport_open_default(): the built-in Yanshi 2024 database, in memory. */
    static Database open_default() {
        govreport_db *db = nullptr;
        detail::check(govreport_open_default(&db));
        return Database(db);
    }
    /** govreport_open(): a database file; `flags` GOVREPORT_OPEN_READONLY, _READWRITE, _CREATE. */
    static Database open(const std::string &path, uint32_t flags = GOVREPORT_OPEN_READONLY) {
        govreport_db *db = nullptr;
        detail::check(govreport_open(path.c_str(), flags, &db));
        return Database(db);
    }
    /** Takes ownership of an open handle (closed with govreport_close). */
    explicit Database(govreport_db *db) noexcept : db_(db) {}
    Database(Database &&) noexcept = default;
    Database &operator=(Database &&) noexcept = default;

    /** govreport_close() now (the destructor does it otherwise); the object is then empty. */
    void close() noexcept { db_.reset(); }
    /** The C handle, still owned by this object. */
    govreport_db *get() const noexcept { return db_.get(); }

    /** govreport_interrupt(): stops the query running on this handle, from any thread. */
    void interrupt() const noexcept { govreport_interrupt(db_.get()); }
    /** govreport_schema_version(): PRAGMA user_version of the database. */
    int64_t schema_version() const {
        int64_t v = 0;
        check(govreport_schema_version(db_.get(), &v));
        return v;
    }
    /** govreport_set_busy_timeout(): how long a call waits for another connection's lock
     *  before failing with GOVREPORT_BUSY (then retry). */
    void set_busy_timeout(int32_t ms) const { check(govreport_set_busy_timeout(db_.get(), ms)); }
    /** govreport_set_limits(): the bounds of scripted SQL on this handle (JSON keys as in the
     *  C header); nullptr restores the defaults. */
    void set_limits(const char *limits_json) const {
        check(govreport_set_limits(db_.get(), limits_json));
    }
    /** govreport_errcode(): the result code of the last call on this handle. */
    int32_t errcode() const noexcept { return govreport_errcode(db_.get()); }
    /** govreport_extended_errcode(): SQLite's extended code of the last call on this handle. */
    int32_t extended_errcode() const noexcept { return govreport_extended_errcode(db_.get()); }
    /** govreport_errmsg(): the message of the last call on this handle. */
    std::string errmsg() const { return govreport_errmsg(db_.get()); }

    // Report text.
    /** govreport_report_json(). */
    std::string report_json() const { return str(govreport_report_json, db_.get()); }
    /** govreport_reports_json(). */
    std::string reports_json() const { return str(govreport_reports_json, db_.get()); }
    /** govreport_source_text(): plain text, not JSON. */
    std::string source_text(int64_t report_id) const {
        return str(govreport_source_text, db_.get(), report_id);
    }
    /** govreport_sections_json(). */
    std::string sections_json(int64_t report_id) const {
        return str(govreport_sections_json, db_.get(), report_id);
    }
    /** govreport_section_json(). */
    std::string section_json(int64_t id) const { return str(govreport_section_json, db_.get(), id); }
    /** govreport_paragraphs_json(). */
    std::string paragraphs_json(int64_t report_id) const {
        return str(govreport_paragraphs_json, db_.get(), report_id);
    }
    /** govreport_paragraph_json(). */
    std::string paragraph_json(int64_t id) const {
        return str(govreport_paragraph_json, db_.get(), id);
    }

    // Dataset.
    /** govreport_export_json(). */
    std::string export_json() const { return str(govreport_export_json, db_.get()); }
    /** govreport_target_json(). */
    std::string target_json(int64_t id) const { return str(govreport_target_json, db_.get(), id); }
    /** govreport_result_json(). */
    std::string result_json(int64_t id) const { return str(govreport_result_json, db_.get(), id); }
    /** govreport_project_json(). */
    std::string project_json(int64_t id) const {
        return str(govreport_project_json, db_.get(), id);
    }
    /** govreport_place_json(). */
    std::string place_json(int64_t id) const { return str(govreport_place_json, db_.get(), id); }
    /** govreport_glossary_json(). */
    std::string glossary_json() const { return str(govreport_glossary_json, db_.get()); }
    /** govreport_glossary_term_json(): by the entry's number (1…) in the first report. */
    std::string glossary_term_json(int64_t number) const {
        return str(govreport_glossary_term_json, db_.get(), number);
    }
    /** govreport_undefined_terms_json(). */
    std::string undefined_terms_json() const {
        return str(govreport_undefined_terms_json, db_.get());
    }
    /** govreport_targets_json(): `filter_json` nullptr for all. */
    std::string targets_json(const char *filter_json = nullptr) const {
        return str(govreport_targets_json, db_.get(), filter_json);
    }
    /** govreport_results_json(). */
    std::string results_json(const char *filter_json = nullptr) const {
        return str(govreport_results_json, db_.get(), filter_json);
    }
    /** govreport_projects_json(). */
    std::string projects_json(const char *filter_json = nullptr) const {
        return str(govreport_projects_json, db_.get(), filter_json);
    }
    /** govreport_project_totals_json(). */
    std::string project_totals_json(const char *filter_json = nullptr) const {
        return str(govreport_project_totals_json, db_.get(), filter_json);
    }
    /** govreport_places_json(). */
    std::string places_json(const char *filter_json = nullptr) const {
        return str(govreport_places_json, db_.get(), filter_json);
    }

    // Scripted SQL.
    /** govreport_query_json(): one read-only statement; `params_json` a JSON array or object. */
    std::string query_json(const std::string &sql, const char *params_json = nullptr) const {
        return str(govreport_query_json, db_.get(), sql.c_str(), params_json);
    }
    /** govreport_query_cursor(): the same query, stepped row by row. */
    Cursor query_cursor(const std::string &sql, const char *params_json = nullptr) const {
        govreport_cursor *cur = nullptr;
        check(govreport_query_cursor(db_.get(), sql.c_str(), params_json, &cur));
        return Cursor(cur);
    }

    // Search.
    // Bulletin.
    /** govreport_bulletin_json(): the 督查通报 of a period as JSON. */
    std::string bulletin_json(const std::string &period, const char *config_json = nullptr) const {
        return str(govreport_bulletin_json, db_.get(), period.c_str(), config_json);
    }
    /** govreport_bulletin_write(): the bulletin to a new .docx or .html file. */
    void bulletin_write(const std::string &period, const std::string &path,
                        const char *config_json = nullptr) const {
        check(govreport_bulletin_write(db_.get(), period.c_str(), config_json, path.c_str()));
    }

    // Commitments.
    /** govreport_commitments_json(): filter_json as documented there (NULL: all). */
    std::string commitments_json(const char *filter_json = nullptr) const {
        return str(govreport_commitments_json, db_.get(), filter_json);
    }
    /** govreport_commitment_json(): one commitment by id. */
    std::string commitment_json(int64_t id) const {
        return str(govreport_commitment_json, db_.get(), id);
    }
    /** govreport_framing_json(): report_id 0 for every report. */
    std::string framing_json(int64_t report_id = 0) const {
        return str(govreport_framing_json, db_.get(), report_id);
    }
    /** govreport_commitment_coverage_json(): the coverage proof of one report. */
    std::string commitment_coverage_json(int64_t report_id) const {
        return str(govreport_commitment_coverage_json, db_.get(), report_id);
    }
    /** govreport_due_json(): commitments, targets and projects due in a range. */
    std::string due_json(const char *filter_json = nullptr) const {
        return str(govreport_due_json, db_.get(), filter_json);
    }

    /** govreport_search_json(): an empty or blank query gives "[]". */
    std::string search_json(const std::string &query, const char *options_json = nullptr) const {
        return str(govreport_search_json, db_.get(), query.c_str(), options_json);
    }
    /** govreport_record_json(): the record a search hit names, by its (kind, id). */
    std::string record_json(const std::string &kind, int64_t id) const {
        return str(govreport_record_json, db_.get(), kind.c_str(), id);
    }
    /** govreport_rebuild_search_index(): after another tool edited the records' text. */
    void rebuild_search_index() const { check(govreport_rebuild_search_index(db_.get())); }

    // Tracking.
    /** govreport_org_unit_add(): the new unit's id. */
    int64_t org_unit_add(const std::string &unit_json) const {
        int64_t id = 0;
        check(govreport_org_unit_add(db_.get(), unit_json.c_str(), &id));
        return id;
    }
    /** govreport_org_units_json(). */
    std::string org_units_json() const { return str(govreport_org_units_json, db_.get()); }
    /** govreport_task_add(): the new task's id. */
    int64_t task_add(const std::string &task_json) const {
        int64_t id = 0;
        check(govreport_task_add(db_.get(), task_json.c_str(), &id));
        return id;
    }
    /** govreport_task_json(). */
    std::string task_json(int64_t id) const { return str(govreport_task_json, db_.get(), id); }
    /** govreport_task_update(): writes the keys `update_json` gives, leaves the others. */
    void task_update(int64_t id, const std::string &update_json) const {
        check(govreport_task_update(db_.get(), id, update_json.c_str()));
    }
    /** govreport_tasks_json(). */
    std::string tasks_json() const { return str(govreport_tasks_json, db_.get()); }
    /** govreport_milestone_add(): the new milestone's id. */
    int64_t milestone_add(int64_t task_id, const std::string &due_date,
                          const std::string &description) const {
        int64_t id = 0;
        check(govreport_milestone_add(db_.get(), task_id, due_date.c_str(), description.c_str(),
                                      &id));
        return id;
    }
    /** govreport_milestone_complete(). */
    void milestone_complete(int64_t milestone_id, const std::string &done_at) const {
        check(govreport_milestone_complete(db_.get(), milestone_id, done_at.c_str()));
    }
    /** govreport_target_decompose(): `{"parent_id", "task_ids"}`. */
    std::string target_decompose(int64_t target_id, const std::string &sub_items_json) const {
        return str(govreport_target_decompose, db_.get(), target_id, sub_items_json.c_str());
    }
    /** govreport_progress_append(): the new record's id. */
    int64_t progress_append(const std::string &progress_json) const {
        int64_t id = 0;
        check(govreport_progress_append(db_.get(), progress_json.c_str(), &id));
        return id;
    }
    /** govreport_progress_append_batch(): the number of records appended. */
    int64_t progress_append_batch(const std::string &progress_array_json) const {
        int64_t n = 0;
        check(govreport_progress_append_batch(db_.get(), progress_array_json.c_str(), &n));
        return n;
    }
    /** govreport_progress_history_json(). */
    std::string progress_history_json(const std::string &subject_kind, int64_t subject_id) const {
        return str(govreport_progress_history_json, db_.get(), subject_kind.c_str(), subject_id);
    }
    /** govreport_evaluate_targets_json(). */
    std::string evaluate_targets_json(const std::string &period,
                                      const char *config_json = nullptr) const {
        return str(govreport_evaluate_targets_json, db_.get(), period.c_str(), config_json);
    }
    /** govreport_evaluate_projects_json(). */
    std::string evaluate_projects_json(const std::string &period,
                                       const char *config_json = nullptr) const {
        return str(govreport_evaluate_projects_json, db_.get(), period.c_str(), config_json);
    }
    /** govreport_evaluate_commitments_json(). */
    std::string evaluate_commitments_json(const std::string &period,
                                          const char *config_json = nullptr) const {
        return str(govreport_evaluate_commitments_json, db_.get(), period.c_str(), config_json);
    }
    /** govreport_light_history_json(): one object per month from `from` to `to`. */
    std::string light_history_json(const std::string &subject_kind, int64_t subject_id,
                                   const std::string &from, const std::string &to,
                                   const char *config_json = nullptr) const {
        return str(govreport_light_history_json, db_.get(), subject_kind.c_str(), subject_id,
                   from.c_str(), to.c_str(), config_json);
    }

    // Decomposition (任务分解表).
    /** govreport_decomposition_draft(): `format` "csv", "xlsx" or nullptr (extension); an
     *  existing file throws GOVREPORT_INVALID_ARGUMENT. */
    void decomposition_draft(int64_t report_id, const std::string &path,
                             const char *format = nullptr) const {
        check(govreport_decomposition_draft(db_.get(), report_id, path.c_str(), format));
    }
    /** govreport_decomposition_import(): the summary; bad rows throw with Error::details(). */
    std::string decomposition_import(int64_t report_id, const std::string &path,
                                     const char *options_json = nullptr) const {
        char *out = nullptr;
        int32_t rc = govreport_decomposition_import(db_.get(), report_id, path.c_str(),
                                                    options_json, &out);
        return finish_import(rc, out);
    }

    // Registers.
    /** govreport_register_import_projects(): the summary; bad rows throw with Error::details(). */
    std::string register_import_projects(const std::string &path,
                                         const char *options_json = nullptr) const {
        return import(govreport_register_import_projects, path, options_json);
    }
    /** govreport_register_import_villages(): as register_import_projects(). */
    std::string register_import_villages(const std::string &path,
                                         const char *options_json = nullptr) const {
        return import(govreport_register_import_villages, path, options_json);
    }
    /** govreport_register_export_projects(): `format` "csv", "xlsx" or nullptr (extension). */
    void register_export_projects(const std::string &path, const char *format = nullptr) const {
        check(govreport_register_export_projects(db_.get(), path.c_str(), format));
    }
    /** govreport_register_check_json(). */
    std::string register_check_json() const {
        return str(govreport_register_check_json, db_.get());
    }
    /** govreport_register_village_rollup_json(). */
    std::string register_village_rollup_json(int32_t year) const {
        return str(govreport_register_village_rollup_json, db_.get(), year);
    }
    /** govreport_register_projects_json(). */
    std::string register_projects_json(int64_t report_id) const {
        return str(govreport_register_projects_json, db_.get(), report_id);
    }
    /** govreport_register_project_link(): `project_id` 0 removes the link. */
    void register_project_link(int64_t register_id, int64_t project_id) const {
        check(govreport_register_project_link(db_.get(), register_id, project_id));
    }

  private:
    struct Close {
        void operator()(govreport_db *db) const noexcept { govreport_close(db); }
    };
    std::unique_ptr<govreport_db, Close> db_;

    void check(int32_t rc) const { detail::check(db_.get(), rc); }

    // Calls `f(args..., &out)` and returns the owned string it wrote.
    template <typename F, typename... A>
    std::string str(F f, A... args) const {
        char *out = nullptr;
        int32_t rc = f(args..., &out);
        String owned(out);
        check(rc);
        return owned ? std::string(owned.get()) : std::string();
    }

    // A register import: on failure the problem list (if any) goes into Error::details().
    template <typename F>
    std::string import(F f, const std::string &path, const char *options_json) const {
        char *out = nullptr;
        int32_t rc = f(db_.get(), path.c_str(), options_json, &out);
        return finish_import(rc, out);
    }

    // Takes an import's summary (or problem list); throws with it as the details on failure.
    std::string finish_import(int32_t rc, char *out) const {
        std::string summary = detail::take(out);
        if (rc != GOVREPORT_OK)
            throw Error(rc, govreport_extended_errcode(db_.get()), govreport_last_error_message(),
                        std::move(summary));
        return summary;
    }
};

}  // namespace govreport

#endif /* GOVREPORT_HPP */
