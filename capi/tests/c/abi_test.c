/* Exercises every function of include/govreport.h, all the bad input the header promises to
 * survive, threads sharing one handle, and govreport_interrupt from another thread.
 * Built and run by tests/c_abi.rs (against libgovreport.so and libgovreport.a, under
 * valgrind when present). Prints "c_abi: N checks, 0 failures" and exits 0 on success. */
#define _POSIX_C_SOURCE 200809L
#include "govreport.h"
#include "govreport.h" /* included twice on purpose: the include guard must hold */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int checks = 0;
static int failures = 0;
static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;

static void check_(int ok, const char *what, const char *file, int line) {
    pthread_mutex_lock(&check_lock);
    checks++;
    if (!ok) {
        failures++;
        fprintf(stderr, "FAIL %s:%d: %s (last error: %s)\n", file, line, what,
                govreport_last_error_message());
    }
    pthread_mutex_unlock(&check_lock);
}
#define CHECK(cond) check_((cond) ? 1 : 0, #cond, __FILE__, __LINE__)
#define CHECK_RC(expr, want)                                                                   \
    do {                                                                                       \
        int32_t rc_ = (expr);                                                                  \
        if (rc_ != (want))                                                                     \
            fprintf(stderr, "  %s returned %d (%s), want %d\n", #expr, rc_,                    \
                    govreport_errstr(rc_), (want));                                            \
        CHECK(rc_ == (want));                                                                  \
    } while (0)

static int contains(const char *s, const char *needle) {
    return s != NULL && strstr(s, needle) != NULL;
}

static void sleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

static const char *HEADLINE_SQL =
    "SELECT id, metric, value, unit, qualifier FROM figure "
    "WHERE kind = 'target' AND area IS NULL ORDER BY id";

static void test_versions(void) {
    char expect[64];
    CHECK(GOVREPORT_VERSION_NUMBER ==
          GOVREPORT_VERSION_MAJOR * 1000000 + GOVREPORT_VERSION_MINOR * 1000 +
              GOVREPORT_VERSION_PATCH);
    CHECK(govreport_version_number() == GOVREPORT_VERSION_NUMBER);
    CHECK(govreport_abi_version() == GOVREPORT_ABI_VERSION);
    snprintf(expect, sizeof expect, "%d.%d.%d", GOVREPORT_VERSION_MAJOR, GOVREPORT_VERSION_MINOR,
             GOVREPORT_VERSION_PATCH);
    CHECK(strcmp(govreport_version(), expect) == 0);
    CHECK(strncmp(govreport_sqlite_version(), "3.", 2) == 0);
    printf("version %s (number %u, abi %u), sqlite %s\n", govreport_version(),
           (unsigned)govreport_version_number(), (unsigned)govreport_abi_version(),
           govreport_sqlite_version());
}

static void test_errstr(void) {
    const int32_t codes[] = {GOVREPORT_OK,        GOVREPORT_ERROR,     GOVREPORT_INVALID_ARGUMENT,
                             GOVREPORT_NOT_FOUND, GOVREPORT_CONSTRAINT, GOVREPORT_BUSY,
                             GOVREPORT_IO,        GOVREPORT_CORRUPT,   GOVREPORT_READONLY,
                             GOVREPORT_INTERNAL,  GOVREPORT_INTERRUPTED, GOVREPORT_SCHEMA,
                             GOVREPORT_NOMEM,     GOVREPORT_ROW,       GOVREPORT_DONE};
    size_t i;
    /* The values are part of the ABI. */
    CHECK(GOVREPORT_OK == 0 && GOVREPORT_ERROR == 1 && GOVREPORT_INVALID_ARGUMENT == 2 &&
          GOVREPORT_NOT_FOUND == 3 && GOVREPORT_CONSTRAINT == 4 && GOVREPORT_BUSY == 5 &&
          GOVREPORT_IO == 6 && GOVREPORT_CORRUPT == 7 && GOVREPORT_READONLY == 8 &&
          GOVREPORT_INTERNAL == 9 && GOVREPORT_INTERRUPTED == 10 && GOVREPORT_SCHEMA == 11 &&
          GOVREPORT_NOMEM == 12 && GOVREPORT_ROW == 100 && GOVREPORT_DONE == 101);
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        CHECK(govreport_errstr(codes[i]) != NULL);
        CHECK(strcmp(govreport_errstr(codes[i]), "unknown result code") != 0);
    }
    CHECK(strcmp(govreport_errstr(-7), "unknown result code") == 0);
    CHECK(strcmp(govreport_errstr(99999), "unknown result code") == 0);
    CHECK(strcmp(govreport_errstr(GOVREPORT_NOT_FOUND), "not found") == 0);
}

static void test_open(const char *tmpdir) {
    govreport_db *db = (govreport_db *)&db; /* garbage that must be overwritten */
    char path[512];
    FILE *f;
    int64_t version = -1;
    char *json = NULL;

    CHECK_RC(govreport_open_default(NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_last_error_message(), "out is NULL"));
    CHECK_RC(govreport_open(NULL, GOVREPORT_OPEN_READONLY, &db), GOVREPORT_INVALID_ARGUMENT);
    CHECK(db == NULL);
    CHECK_RC(govreport_open("x.db", GOVREPORT_OPEN_READONLY, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_open("\xff\xfe.db", GOVREPORT_OPEN_CREATE, &db), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_last_error_message(), "UTF-8"));
    CHECK_RC(govreport_open("x.db", 0, &db), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_open("x.db", 0x80, &db), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_open("x.db", GOVREPORT_OPEN_READONLY | GOVREPORT_OPEN_CREATE, &db),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_last_error_message(), "flags"));
    CHECK(db == NULL);
    CHECK_RC(govreport_open("/nonexistent-dir/x.db", GOVREPORT_OPEN_READONLY, &db), GOVREPORT_IO);
    CHECK(db == NULL);

    /* A new file: created with the built-in data, then reopened read-only. */
    snprintf(path, sizeof path, "%s/new.db", tmpdir);
    CHECK_RC(govreport_open(path, GOVREPORT_OPEN_CREATE, &db), GOVREPORT_OK);
    CHECK_RC(govreport_schema_version(db, &version), GOVREPORT_OK);
    CHECK(version >= 2);
    CHECK_RC(govreport_schema_version(db, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_schema_version(NULL, &version), GOVREPORT_INVALID_ARGUMENT);
    govreport_close(db);
    CHECK_RC(govreport_open(path, GOVREPORT_OPEN_READWRITE | GOVREPORT_OPEN_CREATE, &db),
             GOVREPORT_OK);
    govreport_close(db);
    CHECK_RC(govreport_open(path, GOVREPORT_OPEN_READWRITE, &db), GOVREPORT_OK);
    govreport_close(db);
    CHECK_RC(govreport_open(path, GOVREPORT_OPEN_READONLY, &db), GOVREPORT_OK);
    CHECK_RC(govreport_report_json(db, &json), GOVREPORT_OK);
    CHECK(contains(json, "\"region\":\"洛阳市偃师区\""));
    govreport_string_free(json);
    /* Scripted SQL on a read-only file (it runs inside a savepoint), twice (cached). */
    CHECK_RC(govreport_query_json(db, "SELECT count(*) > 100 AS many FROM figure", NULL, &json), GOVREPORT_OK);
    CHECK(json && strcmp(json, "[{\"many\":1}]") == 0);
    govreport_string_free(json);
    CHECK_RC(govreport_query_json(db, "SELECT count(*) > 100 AS many FROM figure", "[]", &json), GOVREPORT_OK);
    govreport_string_free(json);
    CHECK_RC(govreport_query_json(db, "DELETE FROM figure", NULL, &json), GOVREPORT_READONLY);
    govreport_close(db);

    /* A file from a newer govreport (tests/c_abi.rs writes it): refused, left untouched. */
    snprintf(path, sizeof path, "%s/newer.db", tmpdir);
    if (access(path, F_OK) == 0) {
        CHECK_RC(govreport_open(path, GOVREPORT_OPEN_READONLY, &db), GOVREPORT_SCHEMA);
        CHECK(db == NULL);
        CHECK(contains(govreport_last_error_message(), "newer"));
        CHECK_RC(govreport_open(path, GOVREPORT_OPEN_READWRITE, &db), GOVREPORT_SCHEMA);
        CHECK(db == NULL);
    } else {
        printf("note: %s missing, schema test skipped\n", path);
    }

    /* Not a database at all. */
    snprintf(path, sizeof path, "%s/garbage.db", tmpdir);
    f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        size_t i;
        for (i = 0; i < 200; i++)
            fputs("this is not a SQLite database file. ", f);
        fclose(f);
    }
    CHECK_RC(govreport_open(path, GOVREPORT_OPEN_READWRITE, &db), GOVREPORT_CORRUPT);
    CHECK(db == NULL);
    CHECK(contains(govreport_last_error_message(), "not a database"));
}

static void test_data(govreport_db *db) {
    char *s = (char *)&s;
    CHECK_RC(govreport_report_json(db, &s), GOVREPORT_OK);
    CHECK(contains(s, "\"slug\":\"yanshi-2024\""));
    CHECK(contains(s, "\"plan_year\":2024"));
    govreport_string_free(s);
    CHECK_RC(govreport_errcode(db), GOVREPORT_OK);
    CHECK(strcmp(govreport_errmsg(db), "not an error") == 0);

    CHECK_RC(govreport_reports_json(db, &s), GOVREPORT_OK);
    CHECK(s != NULL && s[0] == '[' && contains(s, "yanshi-2024"));
    govreport_string_free(s);

    CHECK_RC(govreport_source_text(db, 1, &s), GOVREPORT_OK);
    CHECK(contains(s, "政府工作报告") || contains(s, "政 府 工 作 报 告"));
    govreport_string_free(s);
    s = (char *)&s;
    CHECK_RC(govreport_source_text(db, 999, &s), GOVREPORT_NOT_FOUND);
    CHECK(s == NULL);
    CHECK_RC(govreport_errcode(db), GOVREPORT_NOT_FOUND);
    CHECK(contains(govreport_errmsg(db), "report 999"));
    CHECK(contains(govreport_last_error_message(), "report 999"));
    CHECK(govreport_extended_errcode(db) == 0);

    CHECK_RC(govreport_sections_json(db, 1, &s), GOVREPORT_OK);
    CHECK(contains(s, "三、2024年重点工作安排"));
    CHECK(contains(s, "\"kind\":\"glossary_entry\""));
    govreport_string_free(s);
    CHECK_RC(govreport_sections_json(db, 42, &s), GOVREPORT_NOT_FOUND);
    CHECK(s == NULL);
    CHECK_RC(govreport_section_json(db, 1, &s), GOVREPORT_OK);
    CHECK(contains(s, "\"id\":1,"));
    govreport_string_free(s);
    CHECK_RC(govreport_section_json(db, -5, &s), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_section_json(db, INT64_MAX, &s), GOVREPORT_NOT_FOUND);

    CHECK_RC(govreport_paragraphs_json(db, 1, &s), GOVREPORT_OK);
    CHECK(contains(s, "\"section_id\":"));
    govreport_string_free(s);
    CHECK_RC(govreport_paragraphs_json(db, 0, &s), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_paragraph_json(db, 1, &s), GOVREPORT_OK);
    CHECK(contains(s, "\"text\":"));
    govreport_string_free(s);
    CHECK_RC(govreport_paragraph_json(db, INT64_MIN, &s), GOVREPORT_NOT_FOUND);

    CHECK_RC(govreport_target_json(db, 1, &s), GOVREPORT_OK);
    CHECK(contains(s, "{\"id\":1,"));
    govreport_string_free(s);
    CHECK_RC(govreport_target_json(db, 987654, &s), GOVREPORT_NOT_FOUND);
    CHECK(s == NULL);
    CHECK(contains(govreport_errmsg(db), "target 987654"));

    /* NULL handle and NULL out pointer on every getter. */
    {
        /* *out is NULL after every failure, a NULL handle included: free it unconditionally. */
        char sentinel = 'x';
        char *o = &sentinel;
        CHECK_RC(govreport_report_json(NULL, &o), GOVREPORT_INVALID_ARGUMENT);
        CHECK(o == NULL);
        o = &sentinel;
        CHECK_RC(govreport_targets_json(NULL, NULL, &o), GOVREPORT_INVALID_ARGUMENT);
        CHECK(o == NULL);
        o = &sentinel;
        CHECK_RC(govreport_query_json(NULL, "SELECT 1", NULL, &o), GOVREPORT_INVALID_ARGUMENT);
        CHECK(o == NULL);
        o = &sentinel;
        CHECK_RC(govreport_search_json(NULL, "储能", NULL, &o), GOVREPORT_INVALID_ARGUMENT);
        CHECK(o == NULL);
        govreport_cursor *oc = (govreport_cursor *)(void *)&sentinel;
        CHECK_RC(govreport_query_cursor(NULL, "SELECT 1", NULL, &oc), GOVREPORT_INVALID_ARGUMENT);
        CHECK(oc == NULL);
    }
    CHECK_RC(govreport_report_json(NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_last_error_message(), "db is NULL"));
    CHECK_RC(govreport_report_json(db, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "out is NULL"));
    CHECK_RC(govreport_reports_json(NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_reports_json(db, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_source_text(NULL, 1, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_source_text(db, 1, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_sections_json(NULL, 1, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_sections_json(db, 1, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_section_json(NULL, 1, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_section_json(db, 1, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_paragraphs_json(NULL, 1, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_paragraphs_json(db, 1, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_paragraph_json(NULL, 1, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_paragraph_json(db, 1, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_target_json(NULL, 1, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_target_json(db, 1, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_json(NULL, "SELECT 1", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_errcode(NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK(govreport_extended_errcode(NULL) == 0);
    CHECK(govreport_errmsg(NULL) != NULL);
    govreport_string_free(NULL);
    govreport_close(NULL);
    govreport_interrupt(NULL);
}

static int count_char(const char *s, char c) {
    int n = 0;
    for (; s && *s; s++)
        n += *s == c;
    return n;
}

static int64_t figure_count(govreport_db *db) {
    char *s = NULL;
    long long n = -1;
    if (govreport_query_json(db, "SELECT count(*) AS n FROM figure", NULL, &s) == GOVREPORT_OK)
        sscanf(s, "[{\"n\":%lld}]", &n);
    govreport_string_free(s);
    return (int64_t)n;
}

static void test_query_json(govreport_db *db) {
    char *s = NULL;
    size_t i;
    int64_t before = figure_count(db);
    static const char *writes[] = {
        "DELETE FROM figure",
        "delete from figure where 1",
        "UPDATE figure SET value = 0",
        "INSERT INTO report (id) VALUES (99)",
        "REPLACE INTO report (id) VALUES (1)",
        "DROP TABLE figure",
        "CREATE TABLE evil (x)",
        "CREATE TEMP TABLE evil (x)",
        "ALTER TABLE figure ADD COLUMN evil",
        "ATTACH DATABASE ':memory:' AS evil",
        "DETACH DATABASE main",
        "PRAGMA user_version = 99",
        "PRAGMA query_only = 0",
        "PRAGMA writable_schema = 1",
        "BEGIN IMMEDIATE",
        "VACUUM",
        "/* a comment */ -- another\n  DELETE FROM figure",
        "WITH x AS (SELECT 1) DELETE FROM figure",
        "WITH x AS (SELECT 1) UPDATE figure SET value = 0",
        "(DELETE FROM figure)",
    };
    static const char *invalid[] = {
        "SELECT 1; DELETE FROM figure",
        "SELECT 1; SELECT 2",
        "",
        "   ",
        "-- only a comment",
    };

    CHECK(before > 100);
    CHECK_RC(govreport_query_json(db, HEADLINE_SQL, NULL, &s), GOVREPORT_OK);
    CHECK(s != NULL && s[0] == '[' && contains(s, "{\"id\":1,\"metric\":"));
    CHECK(contains(s, "\"unit\":"));
    govreport_string_free(s);

    CHECK_RC(govreport_query_json(db, "SELECT ?1 + ?2 AS s, ?3 AS t, ?4 AS n, ?5 AS b", "[40, 2, \"文\", null, true]", &s), GOVREPORT_OK);
    CHECK(s && strcmp(s, "[{\"s\":42,\"t\":\"文\",\"n\":null,\"b\":1}]") == 0);
    govreport_string_free(s);
    CHECK_RC(govreport_query_json(db, "SELECT metric FROM figure WHERE kind = :kind AND id = :id", "{\"kind\": \"target\", \":id\": 1}", &s), GOVREPORT_OK);
    CHECK(s && strncmp(s, "[{\"metric\":\"", 12) == 0);
    govreport_string_free(s);
    CHECK_RC(govreport_query_json(db, "SELECT 1.5 AS f, x'00ff' AS b, 'a\"\\\n' AS e", "null", &s), GOVREPORT_OK);
    CHECK(s && strcmp(s, "[{\"f\":1.5,\"b\":\"00ff\",\"e\":\"a\\\"\\\\\\n\"}]") == 0);
    govreport_string_free(s);

    for (i = 0; i < sizeof writes / sizeof writes[0]; i++) {
        s = (char *)&s;
        CHECK_RC(govreport_query_json(db, writes[i], NULL, &s), GOVREPORT_READONLY);
        CHECK(s == NULL);
        CHECK(contains(govreport_errmsg(db), "read-only"));
        CHECK(govreport_extended_errcode(db) == 8); /* SQLITE_READONLY */
    }
    for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        CHECK_RC(govreport_query_json(db, invalid[i], NULL, &s), GOVREPORT_INVALID_ARGUMENT);
        CHECK(s == NULL);
    }
    /* Bad SQL, bad parameters, bad strings. */
    CHECK_RC(govreport_query_json(db, "SELECT * FROM no_such_table", NULL, &s), GOVREPORT_ERROR);
    CHECK(contains(govreport_errmsg(db), "no such table"));
    CHECK(govreport_extended_errcode(db) == 1);
    CHECK_RC(govreport_query_json(db, "SELEC 1", NULL, &s), GOVREPORT_READONLY);
    CHECK_RC(govreport_query_json(db, "SELECT FROM WHERE", NULL, &s), GOVREPORT_ERROR);
    CHECK(contains(govreport_errmsg(db), "syntax error"));
    CHECK_RC(govreport_query_json(db, NULL, NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_json(db, "SELECT 1", NULL, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_json(db, "SELECT '\xc3\x28'", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "UTF-8"));
    CHECK_RC(govreport_query_json(db, "SELECT ?1", "[\"\xff\"]", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_json(db, "SELECT ?1", "[1,", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "not valid JSON"));
    CHECK_RC(govreport_query_json(db, "SELECT ?1", "{\"a\":", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_json(db, "SELECT ?1", "\"text\"", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_json(db, "SELECT ?1", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_json(db, "SELECT ?1", "[]", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_json(db, "SELECT ?1", "[1, 2]", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_json(db, "SELECT ?1", "[[1]]", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_json(db, "SELECT ?1", "[{}]", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_json(db, "SELECT ?1", "[9223372036854775808]", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "out of the range"));
    CHECK_RC(govreport_query_json(db, "SELECT ?1", "[1e999]", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_json(db, "SELECT :a", "{\"b\": 1}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "no parameter named"));
    CHECK_RC(govreport_query_json(db, "SELECT ?1", "[-9223372036854775808]", &s), GOVREPORT_OK);
    CHECK(s && strcmp(s, "[{\"?1\":-9223372036854775808}]") == 0);
    govreport_string_free(s);

    /* Nothing was written, and the handle still works. */
    CHECK(figure_count(db) == before);
    CHECK_RC(govreport_query_json(db, "SELECT count(*) AS n FROM sqlite_master WHERE name = 'evil'", NULL, &s), GOVREPORT_OK);
    CHECK(s && strcmp(s, "[{\"n\":0}]") == 0);
    govreport_string_free(s);
    /* Pragmas as table-valued functions are read-only and allowed. */
    CHECK_RC(govreport_query_json(db, "SELECT * FROM pragma_query_only", NULL, &s), GOVREPORT_OK);
    CHECK(s && strcmp(s, "[{\"query_only\":0}]") == 0);
    govreport_string_free(s);
    {
        govreport_cursor *cur = NULL;
        int64_t q = -1;
        CHECK_RC(govreport_query_cursor(db, "SELECT * FROM pragma_query_only", NULL, &cur), GOVREPORT_OK);
        CHECK_RC(govreport_cursor_step(cur), GOVREPORT_ROW);
        CHECK_RC(govreport_cursor_column_int64(cur, 0, &q), GOVREPORT_OK);
        CHECK(q == 0);
        govreport_cursor_free(cur);
    }
}

static void test_cursor(govreport_db *db) {
    govreport_cursor *cur = (govreport_cursor *)&cur;
    const char *name = NULL, *text = NULL;
    int32_t type = -1, rc;
    int64_t i64 = -1;
    double f = -1;
    int rows = 0, json_rows;
    char *s = NULL;

    CHECK_RC(govreport_query_json(db, HEADLINE_SQL, NULL, &s), GOVREPORT_OK);
    json_rows = count_char(s, '{');
    govreport_string_free(s);

    CHECK_RC(govreport_query_cursor(db, HEADLINE_SQL, NULL, &cur), GOVREPORT_OK);
    CHECK(govreport_cursor_column_count(cur) == 5);
    CHECK(govreport_cursor_column_count(NULL) == 0);
    CHECK_RC(govreport_cursor_column_name(cur, 1, &name), GOVREPORT_OK);
    CHECK(name && strcmp(name, "metric") == 0);
    CHECK_RC(govreport_cursor_column_name(cur, 5, &name), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_cursor_column_name(cur, -1, &name), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_cursor_column_name(cur, 0, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_cursor_column_name(NULL, 0, &name), GOVREPORT_INVALID_ARGUMENT);
    /* No row yet. */
    CHECK_RC(govreport_cursor_column_int64(cur, 0, &i64), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_last_error_message(), "no current row"));
    while ((rc = govreport_cursor_step(cur)) == GOVREPORT_ROW) {
        rows++;
        CHECK_RC(govreport_cursor_column_type(cur, 0, &type), GOVREPORT_OK);
        CHECK(type == GOVREPORT_TYPE_INTEGER);
        CHECK_RC(govreport_cursor_column_int64(cur, 0, &i64), GOVREPORT_OK);
        CHECK(i64 >= 1 && i64 < 100);
        CHECK_RC(govreport_cursor_column_type(cur, 1, &type), GOVREPORT_OK);
        CHECK(type == GOVREPORT_TYPE_TEXT);
        CHECK_RC(govreport_cursor_column_text(cur, 1, &text), GOVREPORT_OK);
        CHECK(text != NULL && strlen(text) > 0);
        CHECK_RC(govreport_cursor_column_type(cur, 2, &type), GOVREPORT_OK);
        CHECK(type == GOVREPORT_TYPE_FLOAT || type == GOVREPORT_TYPE_INTEGER);
        CHECK_RC(govreport_cursor_column_double(cur, 2, &f), GOVREPORT_OK);
        CHECK(f >= 0);
        CHECK_RC(govreport_cursor_column_type(cur, 4, &type), GOVREPORT_OK);
        CHECK(type == GOVREPORT_TYPE_TEXT || type == GOVREPORT_TYPE_NULL);
        CHECK_RC(govreport_cursor_column_text(cur, 4, &text), GOVREPORT_OK);
        CHECK((type == GOVREPORT_TYPE_NULL) == (text == NULL));
        CHECK_RC(govreport_cursor_column_text(cur, 9, &text), GOVREPORT_INVALID_ARGUMENT);
        CHECK_RC(govreport_cursor_column_double(cur, 0, NULL), GOVREPORT_INVALID_ARGUMENT);
        CHECK_RC(govreport_cursor_column_type(NULL, 0, &type), GOVREPORT_INVALID_ARGUMENT);
        CHECK_RC(govreport_cursor_column_int64(NULL, 0, &i64), GOVREPORT_INVALID_ARGUMENT);
        CHECK_RC(govreport_cursor_column_double(NULL, 0, &f), GOVREPORT_INVALID_ARGUMENT);
        CHECK_RC(govreport_cursor_column_text(NULL, 0, &text), GOVREPORT_INVALID_ARGUMENT);
    }
    CHECK_RC(rc, GOVREPORT_DONE);
    CHECK(rows == json_rows && rows > 5);
    CHECK_RC(govreport_cursor_step(cur), GOVREPORT_DONE);
    CHECK_RC(govreport_cursor_column_int64(cur, 0, &i64), GOVREPORT_INVALID_ARGUMENT);
    govreport_cursor_free(cur);
    govreport_cursor_free(NULL);
    CHECK_RC(govreport_cursor_step(NULL), GOVREPORT_INVALID_ARGUMENT);

    /* Parameters, refusals and bad input. */
    CHECK_RC(govreport_query_cursor(db, "SELECT :a AS a, ?2 AS b", "{\"a\": \"x\", \"?2\": 2.5}", &cur), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_cursor(db, "SELECT :a AS a, :b AS b", "{\"a\": \"甲\", \"b\": 2.5}", &cur), GOVREPORT_OK);
    CHECK_RC(govreport_cursor_step(cur), GOVREPORT_ROW);
    CHECK_RC(govreport_cursor_column_text(cur, 0, &text), GOVREPORT_OK);
    CHECK(text && strcmp(text, "甲") == 0);
    CHECK_RC(govreport_cursor_column_double(cur, 1, &f), GOVREPORT_OK);
    CHECK(f == 2.5);
    CHECK_RC(govreport_cursor_column_text(cur, 1, &text), GOVREPORT_OK);
    CHECK(text && strcmp(text, "2.5") == 0);
    CHECK_RC(govreport_cursor_step(cur), GOVREPORT_DONE);
    govreport_cursor_free(cur);
    cur = (govreport_cursor *)&cur;
    CHECK_RC(govreport_query_cursor(db, "DELETE FROM figure", NULL, &cur), GOVREPORT_READONLY);
    CHECK(cur == NULL);
    CHECK_RC(govreport_query_cursor(db, "SELECT 1; DROP TABLE figure", NULL, &cur), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_cursor(db, "SELECT * FROM nope", NULL, &cur), GOVREPORT_ERROR);
    CHECK_RC(govreport_query_cursor(db, "SELECT ?1", "[1", &cur), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_cursor(db, "SELECT ?1", NULL, &cur), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_cursor(db, "SELECT '\xff'", NULL, &cur), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_cursor(db, NULL, NULL, &cur), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_cursor(db, "SELECT 1", NULL, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_query_cursor(NULL, "SELECT 1", NULL, &cur), GOVREPORT_INVALID_ARGUMENT);
    CHECK(cur == NULL);
}

static void test_cursor_outlives_handle(void) {
    govreport_db *db = NULL;
    govreport_cursor *cur = NULL;
    int rows = 0;
    int32_t rc;
    CHECK_RC(govreport_open_default(&db), GOVREPORT_OK);
    CHECK_RC(govreport_query_cursor(db, "SELECT id, text FROM paragraph ORDER BY id", NULL, &cur), GOVREPORT_OK);
    CHECK_RC(govreport_cursor_step(cur), GOVREPORT_ROW);
    govreport_close(db); /* the wrong order on purpose */
    rows = 1;
    while ((rc = govreport_cursor_step(cur)) == GOVREPORT_ROW) {
        const char *text = NULL;
        CHECK_RC(govreport_cursor_column_text(cur, 1, &text), GOVREPORT_OK);
        rows++;
    }
    CHECK_RC(rc, GOVREPORT_DONE);
    CHECK(rows > 50);
    govreport_cursor_free(cur);
}

static int count_str(const char *s, const char *needle) {
    int n = 0;
    size_t len = strlen(needle);
    while (s && (s = strstr(s, needle)) != NULL) {
        n++;
        s += len;
    }
    return n;
}

static void test_commitments(govreport_db *db) {
    char *s = (char *)&s;
    CHECK_RC(govreport_commitments_json(db, NULL, &s), GOVREPORT_OK);
    CHECK(count_str(s, "\"action\":") == 143);
    govreport_string_free(s);
    CHECK_RC(govreport_commitments_json(db, "{\"area\": 3}", &s), GOVREPORT_OK);
    CHECK(count_str(s, "\"action\":") == 14 && count_str(s, "\"area\":3,") == 14);
    govreport_string_free(s);
    CHECK_RC(govreport_commitments_json(db, "{\"part\": 2, \"kind\": \"qualitative\"}", &s), GOVREPORT_OK);
    CHECK(count_str(s, "\"action\":") == 2 && contains(s, "居民收入增长与经济增长基本同步"));
    govreport_string_free(s);
    s = (char *)&s;
    CHECK_RC(govreport_commitments_json(db, "{\"area\": 11}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(s == NULL && contains(govreport_errmsg(db), "areas 1"));
    CHECK_RC(govreport_commitments_json(db, "{\"kind\": \"vague\"}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "quantitative"));
    CHECK_RC(govreport_commitments_json(db, "{\"report_id\": 9}", &s), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_commitments_json(NULL, NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_commitments_json(db, NULL, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_commitments_json(db, "\xff", &s), GOVREPORT_INVALID_ARGUMENT);

    CHECK_RC(govreport_commitment_json(db, 406, &s), GOVREPORT_OK);
    CHECK(contains(s, "\"deadline\":\"2024-06-30\"") && contains(s, "\"project_ids\":[568]"));
    govreport_string_free(s);
    CHECK_RC(govreport_commitment_json(db, 99999, &s), GOVREPORT_NOT_FOUND);
    CHECK(s == NULL);

    CHECK_RC(govreport_framing_json(db, 0, &s), GOVREPORT_OK);
    CHECK(count_str(s, "\"reason\":") == 76 && contains(s, "\"reason\":\"address\""));
    govreport_string_free(s);
    CHECK_RC(govreport_framing_json(db, 5, &s), GOVREPORT_NOT_FOUND);

    CHECK_RC(govreport_commitment_coverage_json(db, 1, &s), GOVREPORT_OK);
    CHECK(contains(s, "\"sentences\":203") && contains(s, "\"uncovered\":[]") &&
          contains(s, "\"targets_outside\":[]") && contains(s, "\"targets_in_several\":[]"));
    govreport_string_free(s);

    /* What is due by the end of June: the two commitments with stated deadlines and their
       three projects. */
    CHECK_RC(govreport_due_json(db, "{\"before\": \"2024-07-01\"}", &s), GOVREPORT_OK);
    CHECK(count_str(s, "\"kind\":\"commitment\"") == 2 && count_str(s, "\"kind\":\"project\"") == 3);
    CHECK(contains(s, "6月底前完成2023年老旧小区改造项目"));
    govreport_string_free(s);
    CHECK_RC(govreport_due_json(db, "{\"before\": \"2025-01-01\", \"kinds\": [\"target\"]}", &s), GOVREPORT_OK);
    CHECK(count_str(s, "\"kind\":\"target\"") == 2);
    govreport_string_free(s);
    CHECK_RC(govreport_due_json(db, "{\"before\": \"2024-7-1\"}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_due_json(db, "{\"kinds\": []}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_due_json(db, "{\"kinds\": [\"planet\"]}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_due_json(db, "{\"after\": \"2024-08-01\", \"before\": \"2024-07-01\"}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(s == NULL);
}

static void test_dataset(govreport_db *db) {
    char *s = (char *)&s;
    CHECK_RC(govreport_export_json(db, &s), GOVREPORT_OK);
    CHECK(contains(s, "\"targets\"") && contains(s, "\"undefined_terms\""));
    govreport_string_free(s);
    CHECK_RC(govreport_export_json(NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_export_json(db, NULL), GOVREPORT_INVALID_ARGUMENT);

    CHECK_RC(govreport_targets_json(db, NULL, &s), GOVREPORT_OK);
    CHECK(count_char(s, '{') > 100);
    govreport_string_free(s);
    CHECK_RC(govreport_targets_json(db, "{\"headline_only\": true}", &s), GOVREPORT_OK);
    CHECK(contains(s, "地区生产总值增速") && count_char(s, '{') < 40);
    govreport_string_free(s);
    CHECK_RC(govreport_targets_json(db, "{\"measure\": \"count\", \"area\": 1}", &s), GOVREPORT_OK);
    govreport_string_free(s);
    CHECK_RC(govreport_targets_json(db, "null", &s), GOVREPORT_OK);
    govreport_string_free(s);
    s = (char *)&s;
    CHECK_RC(govreport_targets_json(db, "{\"colour\": 1}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(s == NULL);
    CHECK(contains(govreport_errmsg(db), "unknown key \"colour\" in filter_json"));
    CHECK_RC(govreport_targets_json(db, "{\"measure\": \"weight\"}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_targets_json(db, "{\"area\": \"one\"}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_targets_json(db, "{\"due_before\": \"2024-13-45\"}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_targets_json(db, "[1]", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_targets_json(db, "{", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_targets_json(db, "{\"text\": \"\xff\"}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_targets_json(NULL, NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_targets_json(db, NULL, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_results_json(db, "{\"headline_only\": true}", &s), GOVREPORT_OK);
    CHECK(contains(s, "\"kind\":\"result\""));
    govreport_string_free(s);
    CHECK_RC(govreport_results_json(db, "{\"text\": 5}", &s), GOVREPORT_INVALID_ARGUMENT);

    CHECK_RC(govreport_target_json(db, 1, &s), GOVREPORT_OK);
    CHECK(contains(s, "\"id\":1,") && contains(s, "\"kind\":\"target\""));
    govreport_string_free(s);
    CHECK_RC(govreport_result_json(db, 1, &s), GOVREPORT_OK);
    CHECK(contains(s, "\"kind\":\"result\""));
    govreport_string_free(s);
    CHECK_RC(govreport_result_json(db, -1, &s), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_result_json(NULL, 1, &s), GOVREPORT_INVALID_ARGUMENT);

    CHECK_RC(govreport_projects_json(db, NULL, &s), GOVREPORT_OK);
    CHECK(count_char(s, '[') > 0 && contains(s, "\"name\""));
    govreport_string_free(s);
    CHECK_RC(govreport_projects_json(db, "{\"year\": 2024, \"status\": \"completed\"}", &s), GOVREPORT_OK);
    govreport_string_free(s);
    CHECK_RC(govreport_projects_json(db, "{\"year\": 99999999999}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "int32 range"));
    CHECK_RC(govreport_projects_json(NULL, NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_project_json(db, 0, &s), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_project_json(NULL, 1, &s), GOVREPORT_INVALID_ARGUMENT);
    {
        /* The first project's id, through scripted SQL, then the getter. */
        char *ids = NULL;
        long long id = 0;
        CHECK_RC(govreport_query_json(db, "SELECT min(id) AS id FROM project", NULL, &ids), GOVREPORT_OK);
        if (ids)
            sscanf(ids, "[{\"id\":%lld}]", &id);
        govreport_string_free(ids);
        CHECK_RC(govreport_project_json(db, (int64_t)id, &s), GOVREPORT_OK);
        govreport_string_free(s);
        CHECK_RC(govreport_query_json(db, "SELECT min(id) AS id FROM place", NULL, &ids), GOVREPORT_OK);
        if (ids)
            sscanf(ids, "[{\"id\":%lld}]", &id);
        govreport_string_free(ids);
        CHECK_RC(govreport_place_json(db, (int64_t)id, &s), GOVREPORT_OK);
        govreport_string_free(s);
    }
    CHECK_RC(govreport_project_totals_json(db, NULL, &s), GOVREPORT_OK);
    govreport_string_free(s);
    CHECK_RC(govreport_project_totals_json(db, "{\"year\": 2023}", &s), GOVREPORT_OK);
    govreport_string_free(s);
    CHECK_RC(govreport_project_totals_json(db, "{\"status\": 1}", &s), GOVREPORT_INVALID_ARGUMENT);

    CHECK_RC(govreport_places_json(db, NULL, &s), GOVREPORT_OK);
    govreport_string_free(s);
    CHECK_RC(govreport_places_json(db, "{\"kind\": \"town\"}", &s), GOVREPORT_OK);
    govreport_string_free(s);
    CHECK_RC(govreport_places_json(db, "{\"kind\": \"planet\"}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_place_json(db, -3, &s), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_place_json(db, 1, NULL), GOVREPORT_INVALID_ARGUMENT);

    CHECK_RC(govreport_glossary_json(db, &s), GOVREPORT_OK);
    CHECK(count_char(s, '[') > 0);
    govreport_string_free(s);
    CHECK_RC(govreport_glossary_term_json(db, 1, &s), GOVREPORT_OK);
    govreport_string_free(s);
    CHECK_RC(govreport_glossary_term_json(db, 99, &s), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_glossary_term_json(db, 0, &s), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_glossary_json(NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_undefined_terms_json(db, &s), GOVREPORT_OK);
    govreport_string_free(s);
    CHECK_RC(govreport_undefined_terms_json(db, NULL), GOVREPORT_INVALID_ARGUMENT);
}

/* ---- threads ---------------------------------------------------------------------------- */

struct worker {
    govreport_db *db;
    int id;
    int ok;
};

static void *worker_main(void *arg) {
    struct worker *w = (struct worker *)arg;
    int i;
    w->ok = 0;
    for (i = 0; i < 40; i++) {
        char *s = NULL;
        char params[32];
        int64_t id = 1 + (i + w->id) % 10;
        govreport_cursor *cur = NULL;
        snprintf(params, sizeof params, "[%lld]", (long long)id);
        if (govreport_query_json(w->db, "SELECT id FROM figure WHERE kind = 'target' AND id = ?1", params, &s) != GOVREPORT_OK)
            return NULL;
        {
            char expect[64];
            snprintf(expect, sizeof expect, "[{\"id\":%lld}]", (long long)id);
            if (strcmp(s, expect) != 0) {
                govreport_string_free(s);
                return NULL;
            }
        }
        govreport_string_free(s);
        if (govreport_target_json(w->db, id, &s) != GOVREPORT_OK)
            return NULL;
        govreport_string_free(s);
        if (govreport_query_cursor(w->db, "SELECT id FROM section ORDER BY id LIMIT 20", NULL, &cur) != GOVREPORT_OK)
            return NULL;
        {
            int rows = 0;
            int64_t v = 0;
            while (govreport_cursor_step(cur) == GOVREPORT_ROW) {
                if (govreport_cursor_column_int64(cur, 0, &v) != GOVREPORT_OK || v != rows + 1)
                    break;
                rows++;
            }
            govreport_cursor_free(cur);
            if (rows != 20)
                return NULL;
        }
        if (govreport_target_json(w->db, -1, &s) != GOVREPORT_NOT_FOUND || s != NULL)
            return NULL;
        if (!contains(govreport_last_error_message(), "target -1"))
            return NULL;
    }
    w->ok = 1;
    return NULL;
}

static void test_threads(govreport_db *db) {
    enum { N = 4 };
    pthread_t t[N];
    struct worker w[N];
    int i;
    for (i = 0; i < N; i++) {
        w[i].db = db;
        w[i].id = i;
        w[i].ok = 0;
        CHECK(pthread_create(&t[i], NULL, worker_main, &w[i]) == 0);
    }
    for (i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        CHECK(w[i].ok == 1);
    }
}

struct long_query {
    govreport_db *db;
    int use_cursor;
    volatile int done;
    int32_t rc;
};

static const char *LONG_SQL =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "
    "SELECT count(*) AS n FROM c";

static void *long_query_main(void *arg) {
    struct long_query *q = (struct long_query *)arg;
    if (q->use_cursor) {
        govreport_cursor *cur = NULL;
        q->rc = govreport_query_cursor(q->db, LONG_SQL, NULL, &cur);
        if (q->rc == GOVREPORT_OK) {
            q->rc = govreport_cursor_step(cur);
            if (govreport_cursor_step(cur) != q->rc) /* the failure sticks */
                q->rc = -1;
        }
        govreport_cursor_free(cur);
    } else {
        char *s = NULL;
        q->rc = govreport_query_json(q->db, LONG_SQL, NULL, &s);
        govreport_string_free(s);
    }
    __sync_synchronize();
    q->done = 1;
    return NULL;
}

static void test_interrupt(govreport_db *db, int use_cursor) {
    pthread_t t;
    struct long_query q;
    char *s = NULL;
    q.db = db;
    q.use_cursor = use_cursor;
    q.done = 0;
    q.rc = -1;
    CHECK(pthread_create(&t, NULL, long_query_main, &q) == 0);
    sleep_ms(100);
    while (!q.done) {
        govreport_interrupt(db); /* from this thread, without waiting for the lock */
        sleep_ms(20);
    }
    pthread_join(t, NULL);
    CHECK_RC(q.rc, GOVREPORT_INTERRUPTED);
    /* The handle works again afterwards. */
    CHECK_RC(govreport_query_json(db, "SELECT 1 AS one", NULL, &s), GOVREPORT_OK);
    CHECK(s && strcmp(s, "[{\"one\":1}]") == 0);
    govreport_string_free(s);
}

int main(int argc, char **argv) {
    govreport_db *db = NULL;
    const char *tmpdir = argc > 1 ? argv[1] : "/tmp";

    test_versions();
    test_errstr();
    test_open(tmpdir);

    CHECK_RC(govreport_open_default(&db), GOVREPORT_OK);
    if (db == NULL) {
        fprintf(stderr, "cannot open the default database: %s\n", govreport_last_error_message());
        return 1;
    }
    test_data(db);
    test_query_json(db);
    test_dataset(db);
    test_commitments(db);
    test_cursor(db);
    test_cursor_outlives_handle();
    test_threads(db);
    test_interrupt(db, 0);
    test_interrupt(db, 1);
    govreport_close(db);

    printf("c_abi: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
