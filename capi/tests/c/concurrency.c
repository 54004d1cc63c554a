/* Many processes on one database file through the C ABI: 8 writers append progress records
 * (each with govreport_progress_append(), its own transaction, retried on GOVREPORT_BUSY as
 * the header says), 2 readers query the file all the while, and a 9th writer is killed with
 * SIGKILL half-way. No committed record may be lost: every surviving writer's records in the
 * file equal what it counted as committed, and the killed one's equal what it reported over
 * its pipe before dying (or one more: a commit that happened before its report was written).
 *
 * Usage: concurrency DIR [APPENDS]. Prints "N checks, 0 failures" on success (for
 * capi/tests/concurrency.rs). POSIX only (fork, pipes, signals). */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "govreport.h"

#define WRITERS 8
#define READERS 2

static int checks = 0, failures = 0;
#define CHECK(cond)                                                        \
    do {                                                                   \
        checks++;                                                          \
        if (!(cond)) {                                                     \
            failures++;                                                    \
            printf("FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond);       \
        }                                                                  \
    } while (0)

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static govreport_db *open_rw(const char *path) {
    govreport_db *db = NULL;
    int32_t rc = govreport_open(path, GOVREPORT_OPEN_READWRITE, &db);
    if (rc != GOVREPORT_OK) {
        fprintf(stderr, "open %s: %d %s\n", path, (int)rc, govreport_last_error_message());
        exit(2);
    }
    return db;
}

/* One append, retried while the file is busy (bounded: 60 s). Returns 1 when committed. */
static int append(govreport_db *db, const char *writer, int i) {
    char json[256];
    snprintf(json, sizeof json,
             "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-%02d\", "
             "\"value\": %d, \"unit\": \"人\", \"reported_by\": \"%s\"}",
             i % 12 + 1, i, writer);
    double started = now();
    for (;;) {
        int64_t id = 0;
        int32_t rc = govreport_progress_append(db, json, &id);
        if (rc == GOVREPORT_OK && id > 0) return 1;
        if (rc != GOVREPORT_BUSY || now() - started > 60.0) {
            fprintf(stderr, "%s append %d: %d %s\n", writer, i, (int)rc, govreport_errmsg(db));
            return 0;
        }
        struct timespec pause = {0, 2000000};
        nanosleep(&pause, NULL);
    }
}

/* A writer: APPENDS records; reports each commit as one byte on `report_fd` (or -1), and
 * exits with the number it committed as a line on stdout. */
static void writer(const char *path, const char *name, int appends, int report_fd) {
    govreport_db *db = open_rw(path);
    int committed = 0;
    for (int i = 0; i < appends; i++) {
        if (!append(db, name, i)) break;
        committed++;
        if (report_fd >= 0 && write(report_fd, "c", 1) != 1) break;
    }
    printf("%s committed %d\n", name, committed);
    fflush(stdout);
    govreport_close(db);
    exit(committed == appends ? 0 : 3);
}

/* A reader: counts the records until told to stop (SIGTERM), every query must succeed. */
static volatile sig_atomic_t stop_reading = 0;
static void on_term(int sig) {
    (void)sig;
    stop_reading = 1;
}

static void reader(const char *path) {
    signal(SIGTERM, on_term);
    govreport_db *db = NULL;
    if (govreport_open(path, GOVREPORT_OPEN_READONLY, &db) != GOVREPORT_OK) exit(2);
    long reads = 0, last = -1;
    while (!stop_reading) {
        char *out = NULL;
        int32_t rc = govreport_query_json(db, "SELECT count(*) AS n FROM progress", NULL, &out);
        if (rc == GOVREPORT_BUSY) continue;
        if (rc != GOVREPORT_OK) {
            fprintf(stderr, "reader: %d %s\n", (int)rc, govreport_errmsg(db));
            exit(4);
        }
        long n = -1;
        sscanf(out, "[{\"n\":%ld}]", &n);
        govreport_string_free(out);
        /* Appends only: a reader never sees the count go down. */
        if (n < last) exit(5);
        last = n;
        reads++;
    }
    printf("reader %ld reads, last count %ld\n", reads, last);
    govreport_close(db);
    exit(reads > 0 ? 0 : 6);
}

static long count_of(govreport_db *db, const char *name) {
    char params[64], *out = NULL;
    snprintf(params, sizeof params, "[\"%s\"]", name);
    long n = -1;
    if (govreport_query_json(db, "SELECT count(*) AS n FROM progress WHERE reported_by = ?1",
                             params, &out) == GOVREPORT_OK) {
        sscanf(out, "[{\"n\":%ld}]", &n);
        govreport_string_free(out);
    }
    return n;
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    int appends = argc > 2 ? atoi(argv[2]) : 300;
    char path[1024];
    snprintf(path, sizeof path, "%s/concurrency.db", dir);
    remove(path);
    govreport_db *db = NULL;
    CHECK(govreport_open(path, GOVREPORT_OPEN_CREATE, &db) == GOVREPORT_OK);
    long before = count_of(db, "victim");
    CHECK(before == 0);
    govreport_close(db);
    fflush(stdout);

    double started = now();
    pid_t readers[READERS], writers[WRITERS];
    for (int r = 0; r < READERS; r++) {
        if ((readers[r] = fork()) == 0) reader(path);
    }
    for (int w = 0; w < WRITERS; w++) {
        char name[16];
        snprintf(name, sizeof name, "w%d", w);
        if ((writers[w] = fork()) == 0) writer(path, name, appends, -1);
    }
    /* The victim reports each commit over a pipe and is killed after half of its appends. */
    int pipefd[2];
    CHECK(pipe(pipefd) == 0);
    pid_t victim = fork();
    if (victim == 0) {
        close(pipefd[0]);
        writer(path, "victim", appends * 10, pipefd[1]);
    }
    close(pipefd[1]);
    long reported = 0;
    char buf[64];
    while (reported < appends / 2) {
        ssize_t got = read(pipefd[0], buf, sizeof buf < (size_t)(appends / 2 - reported)
                                                ? sizeof buf
                                                : (size_t)(appends / 2 - reported));
        if (got <= 0) break;
        reported += got;
    }
    kill(victim, SIGKILL);
    /* Commits reported after the last read but before the kill count too. */
    for (;;) {
        ssize_t got = read(pipefd[0], buf, sizeof buf);
        if (got <= 0) break;
        reported += got;
    }
    close(pipefd[0]);
    int status = 0;
    waitpid(victim, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    int writers_ok = 0;
    for (int w = 0; w < WRITERS; w++) {
        waitpid(writers[w], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        writers_ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    for (int r = 0; r < READERS; r++) {
        kill(readers[r], SIGTERM);
        waitpid(readers[r], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    double took = now() - started;

    /* What the file holds: every writer's committed records, nothing lost. */
    db = NULL;
    CHECK(govreport_open(path, GOVREPORT_OPEN_READWRITE, &db) == GOVREPORT_OK);
    long lost = 0;
    for (int w = 0; w < WRITERS; w++) {
        char name[16];
        snprintf(name, sizeof name, "w%d", w);
        long n = count_of(db, name);
        CHECK(n == appends);
        if (n < appends) lost += appends - n;
    }
    long victim_rows = count_of(db, "victim");
    /* At most one commit can have happened after its last report. */
    CHECK(victim_rows == reported || victim_rows == reported + 1);
    if (victim_rows < reported) lost += reported - victim_rows;
    /* The file's integrity is checked by the test runner (PRAGMA integrity_check is not
     * scripted SQL: the authorizer refuses pragma functions outside its read-only list). */
    govreport_close(db);

    printf("%d writers x %d appends + victim killed after %ld reported commits (%ld in the file), "
           "%d readers: %ld lost, %.2f s\n",
           writers_ok, appends, reported, victim_rows, READERS, lost, took);
    printf("%d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
