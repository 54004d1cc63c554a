/* Attempts to escape read-only scripted SQL (issue 10), through govreport_query_json() and
 * the cursor, on a database file and on govreport_open_default(): each must be refused with
 * the right code, and the file's bytes must be the same before and after. Also the limits
 * (zeroblob, an endless recursive CTE, the JSON size), interrupts beside an open cursor, and
 * the new setters. Built and run by capi/tests/c_abi.rs (also under valgrind). Prints
 * "escape: N checks, 0 failures" and exits 0 on success. */
#define _POSIX_C_SOURCE 200809L
#include "govreport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int checks = 0;
static int failures = 0;

static void check_(int ok, const char *what, const char *file, int line) {
    checks++;
    if (!ok) {
        failures++;
        fprintf(stderr, "FAIL %s:%d: %s (last error: %s)\n", file, line, what,
                govreport_last_error_message());
    }
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

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* The whole file, malloc'd; *len its size. */
static unsigned char *read_file(const char *path, long *len) {
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)*len + 1);
    if (buf && fread(buf, 1, (size_t)*len, f) != (size_t)*len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

struct escape {
    const char *sql;
    const char *params;
    int32_t code;      /* what govreport_query_json() must return */
    const char *names; /* what the message must name ("" for nothing in particular) */
};

static const struct escape ESCAPES[] = {
    /* fts3_tokenizer in every form: the address leak and the call through a pointer. */
    {"SELECT hex(fts3_tokenizer(?1)) AS p", "[\"simple\"]", GOVREPORT_READONLY, "fts3_tokenizer"},
    {"SELECT hex(fts3_tokenizer('simple')) AS p", NULL, GOVREPORT_READONLY, "fts3_tokenizer"},
    {"SELECT fts3_tokenizer(?1, ?2) AS p", "[\"simple\",\"AAAAAAAA\"]", GOVREPORT_READONLY,
     "fts3_tokenizer"},
    {"SELECT fts3_tokenizer(:n, :p) AS p", "{\"n\":\"simple\",\"p\":\"AAAAAAAA\"}",
     GOVREPORT_READONLY, "fts3_tokenizer"},
    {"SELECT fts3_tokenizer('simple', x'4141414141414141') AS p", NULL, GOVREPORT_READONLY,
     "fts3_tokenizer"},
    {"SELECT \"FTS3_TOKENIZER\"('simple') AS p", NULL, GOVREPORT_READONLY, "fts3_tokenizer"},
    {"SELECT token FROM fts3tokenize WHERE input = 'x'", NULL, GOVREPORT_READONLY, "fts3tokenize"},
    {"SELECT fts5(?1) AS p", "[\"x\"]", GOVREPORT_READONLY, "fts5"},
    {"SELECT load_extension('libx.so') AS p", NULL, GOVREPORT_READONLY, "load_extension"},
    /* pragma_* table-valued functions that write or change the connection. */
    {"SELECT * FROM pragma_optimize(0x10002)", NULL, GOVREPORT_READONLY, "optimize"},
    {"SELECT 1 AS x FROM pragma_optimize", NULL, GOVREPORT_READONLY, "optimize"},
    {"SELECT * FROM pragma_journal_mode('delete')", NULL, GOVREPORT_READONLY, "journal_mode"},
    /* SQLite itself refuses these (no such table function, or no argument allowed). */
    {"SELECT * FROM pragma_query_only(1)", NULL, GOVREPORT_ERROR, "query_only"},
    {"SELECT * FROM pragma_foreign_keys", NULL, GOVREPORT_READONLY, "foreign_keys"},
    {"SELECT * FROM pragma_wal_checkpoint", NULL, GOVREPORT_ERROR, "wal_checkpoint"},
    {"SELECT * FROM pragma_incremental_vacuum", NULL, GOVREPORT_ERROR, "incremental_vacuum"},
    {"SELECT * FROM dbstat", NULL, GOVREPORT_READONLY, "dbstat"},
    /* Writes: plain, RETURNING, hidden in CTEs, comments and strings. */
    {"INSERT INTO report(id) VALUES (9) RETURNING id", NULL, GOVREPORT_READONLY, "INSERT"},
    {"WITH x AS (SELECT 1) DELETE FROM figure RETURNING id", NULL, GOVREPORT_READONLY, "figure"},
    {"WITH x AS (SELECT 1) UPDATE figure SET value = 0 RETURNING id", NULL, GOVREPORT_READONLY,
     "figure"},
    {"WITH d AS (DELETE FROM figure RETURNING id) SELECT * FROM d", NULL, GOVREPORT_ERROR, ""},
    {"/* SELECT */ DELETE FROM figure", NULL, GOVREPORT_READONLY, "DELETE"},
    {"-- SELECT\nUPDATE figure SET value = 0", NULL, GOVREPORT_READONLY, "UPDATE"},
    {"SELECT 'x' AS a; DELETE FROM figure", NULL, GOVREPORT_INVALID_ARGUMENT, "more than one"},
    {"SELECT 1 AS a; /* ; */ DROP TABLE figure", NULL, GOVREPORT_INVALID_ARGUMENT,
     "more than one"},
    {"SELECT 1 AS a\n;\n--x\nATTACH 'x.db' AS x", NULL, GOVREPORT_INVALID_ARGUMENT,
     "more than one"},
    {"SELECT 1 AS a; SELECT 2 AS b", NULL, GOVREPORT_INVALID_ARGUMENT, "more than one"},
    /* Other databases, other files. */
    {"ATTACH 'evil.db' AS evil", NULL, GOVREPORT_READONLY, "ATTACH"},
    {"VACUUM INTO 'copy.db'", NULL, GOVREPORT_READONLY, "VACUUM"},
    {"SELECT * FROM temp.sqlite_master", NULL, GOVREPORT_READONLY, "sqlite_"},
    {"BEGIN IMMEDIATE", NULL, GOVREPORT_READONLY, "BEGIN"},
    {"SAVEPOINT s", NULL, GOVREPORT_READONLY, "SAVEPOINT"},
    {"PRAGMA writable_schema = 1", NULL, GOVREPORT_READONLY, "PRAGMA"},
    {"SELECT sqlite_compileoption_get(0) AS o", NULL, GOVREPORT_READONLY,
     "sqlite_compileoption_get"},
};

static void try_escapes(govreport_db *db) {
    size_t i;
    for (i = 0; i < sizeof ESCAPES / sizeof ESCAPES[0]; i++) {
        const struct escape *e = &ESCAPES[i];
        char *s = NULL;
        govreport_cursor *cur = NULL;
        int32_t rc = govreport_query_json(db, e->sql, e->params, &s);
        if (rc != e->code || !contains(govreport_errmsg(db), e->names))
            fprintf(stderr, "  query_json(%s): %d %s\n", e->sql, rc, govreport_errmsg(db));
        CHECK(rc == e->code);
        CHECK(s == NULL);
        CHECK(contains(govreport_errmsg(db), e->names));
        /* The cursor: refused at open, or (pragma vtabs) at the first step at the latest. */
        rc = govreport_query_cursor(db, e->sql, e->params, &cur);
        if (rc == GOVREPORT_OK) {
            rc = govreport_cursor_step(cur);
            govreport_cursor_free(cur);
        } else {
            CHECK(cur == NULL);
        }
        if (rc != e->code)
            fprintf(stderr, "  cursor(%s): %d %s\n", e->sql, rc, govreport_last_error_message());
        CHECK(rc == e->code);
    }
}

static void test_file(const char *dir) {
    char path[4096];
    govreport_db *db = NULL;
    unsigned char *before, *after;
    long before_len = 0, after_len = 0;
    char *s = NULL;
    snprintf(path, sizeof path, "%s/escape.db", dir);
    remove(path);
    CHECK_RC(govreport_open(path, GOVREPORT_OPEN_CREATE, &db), GOVREPORT_OK);
    govreport_close(db);
    before = read_file(path, &before_len);
    CHECK(before != NULL && before_len > 100);

    db = NULL;
    CHECK_RC(govreport_open(path, GOVREPORT_OPEN_READWRITE, &db), GOVREPORT_OK);
    try_escapes(db);
    /* What is allowed works, and changes nothing either. */
    CHECK_RC(govreport_query_json(db, "SELECT count(*) AS n FROM pragma_table_info('figure')",
                                  NULL, &s),
             GOVREPORT_OK);
    govreport_string_free(s);
    CHECK_RC(govreport_query_json(db, "SELECT count(*) AS n FROM search_index "
                                      "WHERE search_index MATCH '经济'",
                                  NULL, &s),
             GOVREPORT_OK);
    govreport_string_free(s);
    CHECK_RC(govreport_query_json(
                 db, "SELECT count(*) AS n FROM sqlite_master WHERE name LIKE 'sqlite_stat%'",
                 NULL, &s),
             GOVREPORT_OK);
    CHECK(s && strcmp(s, "[{\"n\":0}]") == 0);
    govreport_string_free(s);
    govreport_close(db);

    after = read_file(path, &after_len);
    CHECK(after != NULL);
    CHECK(before_len == after_len);
    /* Bytes 24..27: the file change counter; then the whole file. */
    CHECK(before && after && memcmp(before + 24, after + 24, 4) == 0);
    CHECK(before && after && before_len == after_len && memcmp(before, after, (size_t)before_len) == 0);
    free(before);
    free(after);
}

/* A write beside an open cursor: works while nobody else wrote; after another handle wrote,
 * fails at once with BUSY and says to free the cursor; works again once it is freed. */
static void test_write_beside_cursor(const char *dir) {
    char path[4096];
    govreport_db *db = NULL, *other = NULL;
    govreport_cursor *cur = NULL;
    int64_t t1 = 0, t2 = 0, t3 = 0, t4 = 0;
    snprintf(path, sizeof path, "%s/cursor.db", dir);
    remove(path);
    CHECK_RC(govreport_open(path, GOVREPORT_OPEN_CREATE, &db), GOVREPORT_OK);
    CHECK_RC(govreport_open(path, GOVREPORT_OPEN_READWRITE, &other), GOVREPORT_OK);
    CHECK_RC(govreport_set_busy_timeout(db, 100), GOVREPORT_OK);
    CHECK_RC(govreport_query_cursor(db, "SELECT id FROM paragraph ORDER BY id", NULL, &cur),
             GOVREPORT_OK);
    CHECK_RC(govreport_cursor_step(cur), GOVREPORT_ROW);
    CHECK_RC(govreport_task_add(db, "{\"title\": \"beside the cursor\"}", &t1), GOVREPORT_OK);
    CHECK_RC(govreport_task_add(other, "{\"title\": \"another handle\"}", &t2), GOVREPORT_OK);
    CHECK_RC(govreport_task_add(db, "{\"title\": \"stale\"}", &t3), GOVREPORT_BUSY);
    CHECK(contains(govreport_errmsg(db), "free the cursor before writing on the same handle"));
    CHECK(govreport_extended_errcode(db) == 517);
    CHECK_RC(govreport_cursor_step(cur), GOVREPORT_ROW); /* the cursor itself goes on */
    govreport_cursor_free(cur);
    CHECK_RC(govreport_task_add(db, "{\"title\": \"after the cursor\"}", &t4), GOVREPORT_OK);
    CHECK(t1 > 0 && t2 > t1 && t4 > t2);
    govreport_close(other);
    govreport_close(db);
}

static const char *ENDLESS =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM c";

static void test_limits(govreport_db *db) {
    char *s = NULL;
    govreport_cursor *cur = NULL;
    double t = now_ms();
    CHECK_RC(govreport_query_json(db, "SELECT zeroblob(1000000000) AS z", NULL, &s),
             GOVREPORT_TOOBIG);
    CHECK(contains(govreport_errmsg(db), "max_value_bytes"));
    CHECK(now_ms() - t < 2000);
    CHECK(strcmp(govreport_errstr(GOVREPORT_TOOBIG), "unknown result code") != 0);
    CHECK(GOVREPORT_TOOBIG == 13);

    CHECK_RC(govreport_set_limits(db, "{\"max_time_ms\": 200, \"max_result_bytes\": 10000}"),
             GOVREPORT_OK);
    t = now_ms();
    CHECK_RC(govreport_query_json(db, ENDLESS, NULL, &s), GOVREPORT_INTERRUPTED);
    CHECK(contains(govreport_errmsg(db), "max_time_ms"));
    CHECK(now_ms() - t < 3000);
    CHECK_RC(govreport_query_cursor(db, ENDLESS, NULL, &cur), GOVREPORT_OK);
    CHECK_RC(govreport_cursor_step(cur), GOVREPORT_INTERRUPTED);
    govreport_cursor_free(cur);
    CHECK_RC(govreport_query_json(db, "SELECT * FROM paragraph", NULL, &s), GOVREPORT_TOOBIG);
    CHECK(contains(govreport_errmsg(db), "10000"));
    CHECK(s == NULL);
    /* Bad limits change nothing. */
    CHECK_RC(govreport_set_limits(db, "{\"max_time\": 1}"), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_set_limits(db, "{\"max_columns\": 0}"), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_set_limits(db, "{\"max_time_ms\": -1}"), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_set_limits(db, "[1]"), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_set_limits(NULL, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_set_limits(db, NULL), GOVREPORT_OK); /* the defaults again */
    CHECK_RC(govreport_query_json(db, "SELECT count(*) AS n FROM paragraph", NULL, &s),
             GOVREPORT_OK);
    govreport_string_free(s);

    CHECK_RC(govreport_set_busy_timeout(db, 100), GOVREPORT_OK);
    CHECK_RC(govreport_set_busy_timeout(db, -1), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_set_busy_timeout(NULL, 1), GOVREPORT_INVALID_ARGUMENT);
}

static void test_interrupt_beside_a_cursor(govreport_db *db) {
    govreport_cursor *cur = NULL, *other = NULL;
    char *s = NULL;
    CHECK_RC(govreport_query_cursor(db, "SELECT id FROM paragraph ORDER BY id", NULL, &cur),
             GOVREPORT_OK);
    CHECK_RC(govreport_cursor_step(cur), GOVREPORT_ROW);
    govreport_interrupt(db);
    /* The open cursor was "running": it stops. */
    CHECK_RC(govreport_cursor_step(cur), GOVREPORT_INTERRUPTED);
    /* Nothing after is affected, with the cursor still open. */
    CHECK_RC(govreport_query_json(db, "SELECT 1 AS one", NULL, &s), GOVREPORT_OK);
    CHECK(s && strcmp(s, "[{\"one\":1}]") == 0);
    govreport_string_free(s);
    CHECK_RC(govreport_query_cursor(db, "SELECT 1 AS one", NULL, &other), GOVREPORT_OK);
    CHECK_RC(govreport_cursor_step(other), GOVREPORT_ROW);
    govreport_cursor_free(other);
    CHECK_RC(govreport_sections_json(db, 1, &s), GOVREPORT_OK);
    govreport_string_free(s);
    govreport_cursor_free(cur);
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    govreport_db *db = NULL;

    test_file(dir);
    test_write_beside_cursor(dir);
    CHECK_RC(govreport_open_default(&db), GOVREPORT_OK);
    if (db == NULL) {
        fprintf(stderr, "cannot open the default database: %s\n", govreport_last_error_message());
        return 1;
    }
    try_escapes(db);
    test_limits(db);
    test_interrupt_beside_a_cursor(db);
    govreport_close(db);

    printf("escape: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
