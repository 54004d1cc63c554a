/* List the 2024 headline targets of the Yanshi report from C, then show an error on purpose.
 *
 *   cargo build --release && make -C examples/c && ./examples/c/build/headline
 */
#include <govreport.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *HEADLINE_SQL =
    "SELECT id, metric, value, unit, qualifier FROM figure "
    "WHERE kind = 'target' AND area IS NULL ORDER BY id";

int main(void) {
    govreport_db *db = NULL;
    govreport_cursor *cur = NULL;
    char *json = NULL;
    int32_t rc;

    if (govreport_version_number() != GOVREPORT_VERSION_NUMBER)
        fprintf(stderr, "warning: header %d, library %u\n", GOVREPORT_VERSION_NUMBER, (unsigned)govreport_version_number());

    rc = govreport_open_default(&db);
    if (rc != GOVREPORT_OK) {
        /* No handle yet: the message is per thread. */
        fprintf(stderr, "open failed: %s: %s\n", govreport_errstr(rc),
                govreport_last_error_message());
        return 1;
    }

    /* 1. The whole result as JSON: one call, one free. */
    rc = govreport_query_json(db, HEADLINE_SQL, NULL, &json);
    if (rc != GOVREPORT_OK) {
        fprintf(stderr, "query failed: %s\n", govreport_errmsg(db));
        govreport_close(db);
        return 1;
    }
    printf("headline targets as JSON (%zu bytes): %.120s...\n", strlen(json), json);
    govreport_string_free(json); /* never free() */

    /* 2. The same rows through a cursor, typed. */
    rc = govreport_query_cursor(db, HEADLINE_SQL, NULL, &cur);
    if (rc == GOVREPORT_OK) {
        while ((rc = govreport_cursor_step(cur)) == GOVREPORT_ROW) {
            int64_t id = 0;
            double value = 0;
            const char *metric = NULL, *unit = NULL, *qualifier = NULL;
            govreport_cursor_column_int64(cur, 0, &id);
            govreport_cursor_column_text(cur, 1, &metric); /* valid until the next step */
            govreport_cursor_column_double(cur, 2, &value);
            govreport_cursor_column_text(cur, 3, &unit);
            govreport_cursor_column_text(cur, 4, &qualifier);
            printf("%3lld  %s %g%s%s%s\n", (long long)id, metric, value, unit,
                   qualifier ? " " : "", qualifier ? qualifier : "");
        }
        if (rc != GOVREPORT_DONE)
            fprintf(stderr, "step failed: %s\n", govreport_errmsg(db));
    }
    govreport_cursor_free(cur);

    /* 3. An error on purpose: a table that does not exist. */
    rc = govreport_query_json(db, "SELECT * FROM no_such_table", NULL, &json);
    printf("error on purpose: code %d (%s), SQLite code %d: %s\n", rc, govreport_errstr(rc),
           govreport_extended_errcode(db), govreport_errmsg(db));

    govreport_close(db);
    return 0;
}
