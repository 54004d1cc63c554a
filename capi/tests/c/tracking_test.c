/* Exercises the search, tracking and register functions of include/govreport.h from C: real
 * calls on an on-disk database created for the test, and the bad input each function must
 * survive (NULL, invalid UTF-8, malformed JSON, unknown keys and ids, out-of-range periods,
 * read-only databases). The register files and the filled 任务分解表 are written here and
 * labelled SYNTHETIC.
 * Built and run by tests/c_abi.rs (against libgovreport.so and libgovreport.a, under
 * valgrind when present). Prints "tracking: N checks, 0 failures" and exits 0 on success. */
#define _POSIX_C_SOURCE 200809L
#include "govreport.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
            fprintf(stderr, "  %s returned %d (%s), want %d: %s\n", #expr, rc_,                \
                    govreport_errstr(rc_), (want), govreport_last_error_message());            \
        CHECK(rc_ == (want));                                                                  \
    } while (0)

static int contains(const char *s, const char *needle) {
    return s != NULL && strstr(s, needle) != NULL;
}

static int count_str(const char *s, const char *needle) {
    int n = 0;
    size_t len = strlen(needle);
    if (s == NULL)
        return 0;
    while ((s = strstr(s, needle)) != NULL) {
        n++;
        s += len;
    }
    return n;
}

/* The integer after the first `"key":` in a JSON text, or -1. */
static long long json_int(const char *s, const char *key) {
    char pattern[64];
    const char *p;
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    p = s ? strstr(s, pattern) : NULL;
    return p ? strtoll(p + strlen(pattern), NULL, 10) : -1;
}

/* One integer from a one-row scripted query `SELECT … AS n`, or -1. */
static long long query_n(govreport_db *db, const char *sql) {
    char *s = NULL;
    long long n = -1;
    if (govreport_query_json(db, sql, NULL, &s) == GOVREPORT_OK)
        n = json_int(s, "n");
    govreport_string_free(s);
    return n;
}

static int write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return 0;
    fputs(text, f);
    fclose(f);
    return 1;
}

/* ---- search -------------------------------------------------------------------------------- */

static void test_search(govreport_db *db) {
    char *s = (char *)&s;
    static const char *queries[] = {"储能", "储", "二里头", "老旧小区", "G310", "5G", "PM2.5",
                                    "储能 氢能", "\"", "*", "NEAR(", "OR"};
    size_t i;

    CHECK_RC(govreport_search_json(db, "储能", NULL, &s), GOVREPORT_OK);
    CHECK(s != NULL && s[0] == '[');
    CHECK(contains(s, "\"kind\":\"paragraph\"") && contains(s, "【储能】"));
    CHECK(contains(s, "\"section_path\":") && contains(s, "\"score\":"));
    govreport_string_free(s);
    for (i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        s = NULL;
        CHECK_RC(govreport_search_json(db, queries[i], NULL, &s), GOVREPORT_OK);
        CHECK(s != NULL && s[0] == '[');
        govreport_string_free(s);
    }
    CHECK_RC(govreport_search_json(db, "储能",
                                   "{\"kinds\": [\"project\"], \"limit\": 3, \"mark_start\": "
                                   "\"<b>\", \"mark_end\": \"</b>\", \"order\": \"rank\"}",
                                   &s),
             GOVREPORT_OK);
    CHECK(count_str(s, "\"kind\":") >= 1 && count_str(s, "\"kind\":") <= 3);
    CHECK(count_str(s, "\"kind\":\"project\"") == count_str(s, "\"kind\":"));
    CHECK(contains(s, "<b>储能</b>") && !contains(s, "【"));
    govreport_string_free(s);
    CHECK_RC(govreport_search_json(db, "储能", "{\"order\": \"index\", \"limit\": 2, \"offset\": 1}", &s), GOVREPORT_OK);
    CHECK(count_str(s, "\"kind\":") == 2 && contains(s, "\"score\":0"));
    govreport_string_free(s);
    CHECK_RC(govreport_search_json(db, "储能", "{\"kinds\": []}", &s), GOVREPORT_OK);
    CHECK(s && strcmp(s, "[]") == 0);
    govreport_string_free(s);
    CHECK_RC(govreport_search_json(db, "储能", "null", &s), GOVREPORT_OK);
    govreport_string_free(s);
    CHECK_RC(govreport_search_json(db, "没有这个词组合XYZ", NULL, &s), GOVREPORT_OK);
    CHECK(s && strcmp(s, "[]") == 0);
    govreport_string_free(s);

    /* An empty or blank query has no hits (search as you type), whatever the options. */
    CHECK_RC(govreport_search_json(db, "", NULL, &s), GOVREPORT_OK);
    CHECK(s && strcmp(s, "[]") == 0);
    govreport_string_free(s);
    CHECK_RC(govreport_search_json(db, "  \t ", "{\"kinds\": [\"glossary\"], \"order\": \"index\"}", &s), GOVREPORT_OK);
    CHECK(s && strcmp(s, "[]") == 0);
    govreport_string_free(s);

    /* Every hit opens with govreport_record_json(kind, id): the object its own getter gives. */
    {
        static const char *const kinds[] = {"paragraph", "target", "result", "project", "place", "glossary"};
        char opts[128];
        char *hits = NULL, *rec = NULL, *direct = NULL;
        for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
            long long id = 0;
            snprintf(opts, sizeof opts, "{\"kinds\": [\"%s\"], \"limit\": 1, \"order\": \"index\"}", kinds[i]);
            /* 区 occurs in records of every kind; 村 in places, 工程 in glossary terms. */
            CHECK_RC(govreport_search_json(db, i == 4 ? "村" : (i == 5 ? "工程" : "区"), opts, &hits), GOVREPORT_OK);
            id = json_int(hits, "id");
            CHECK(id > 0);
            CHECK_RC(govreport_record_json(db, kinds[i], id, &rec), GOVREPORT_OK);
            switch (i) {
            case 0: CHECK_RC(govreport_paragraph_json(db, id, &direct), GOVREPORT_OK); break;
            case 1: CHECK_RC(govreport_target_json(db, id, &direct), GOVREPORT_OK); break;
            case 2: CHECK_RC(govreport_result_json(db, id, &direct), GOVREPORT_OK); break;
            case 3: CHECK_RC(govreport_project_json(db, id, &direct), GOVREPORT_OK); break;
            case 4: CHECK_RC(govreport_place_json(db, id, &direct), GOVREPORT_OK); break;
            default: CHECK_RC(govreport_glossary_term_json(db, id, &direct), GOVREPORT_OK); break;
            }
            CHECK(rec && direct && strcmp(rec, direct) == 0);
            govreport_string_free(hits);
            govreport_string_free(rec);
            govreport_string_free(direct);
            hits = rec = direct = NULL;
        }
        rec = (char *)&rec;
        CHECK_RC(govreport_record_json(db, "target", 999999, &rec), GOVREPORT_NOT_FOUND);
        CHECK(rec == NULL);
        CHECK_RC(govreport_record_json(db, "glossary", 999999, &rec), GOVREPORT_NOT_FOUND);
        CHECK_RC(govreport_record_json(db, "planet", 1, &rec), GOVREPORT_INVALID_ARGUMENT);
        CHECK(contains(govreport_errmsg(db), "planet"));
        CHECK_RC(govreport_record_json(db, NULL, 1, &rec), GOVREPORT_INVALID_ARGUMENT);
        CHECK_RC(govreport_record_json(db, "\xff", 1, &rec), GOVREPORT_INVALID_ARGUMENT);
        CHECK_RC(govreport_record_json(db, "target", 1, NULL), GOVREPORT_INVALID_ARGUMENT);
        CHECK_RC(govreport_record_json(NULL, "target", 1, &rec), GOVREPORT_INVALID_ARGUMENT);
        CHECK(rec == NULL);
    }

    /* Bad input. */
    s = (char *)&s;
    CHECK_RC(govreport_search_json(db, "\xff\xfe", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "UTF-8"));
    CHECK_RC(govreport_search_json(db, NULL, NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "query is NULL"));
    CHECK_RC(govreport_search_json(db, "储能", NULL, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_search_json(NULL, "储能", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_search_json(db, "储能", "{", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "not valid JSON"));
    CHECK_RC(govreport_search_json(db, "储能", "[1]", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_search_json(db, "储能", "{\"colour\": 1}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"colour\""));
    CHECK_RC(govreport_search_json(db, "储能", "{\"kinds\": [\"planet\"]}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "planet"));
    CHECK_RC(govreport_search_json(db, "储能", "{\"kinds\": \"project\"}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_search_json(db, "储能", "{\"limit\": -1}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"limit\""));
    CHECK_RC(govreport_search_json(db, "储能", "{\"offset\": 1.5}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_search_json(db, "储能", "{\"order\": \"random\"}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"order\""));
    CHECK_RC(govreport_search_json(db, "储能", "{\"mark_start\": \"\xff\"}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(s == NULL);
}

/* ---- tracking ------------------------------------------------------------------------------ */

static int64_t history_count(govreport_db *db, const char *kind, int64_t id) {
    char *s = NULL;
    int64_t n = -1;
    if (govreport_progress_history_json(db, kind, id, &s) == GOVREPORT_OK)
        n = count_str(s, "\"subject_kind\":");
    govreport_string_free(s);
    return n;
}

static void test_units_and_tasks(govreport_db *db, int64_t *task_out) {
    int64_t unit = -1, sub = -1, other = -1, task = -1, id = -1;
    char *s = (char *)&s;
    char json[1024];

    CHECK_RC(govreport_org_unit_add(db, "{\"name\": \"区人社局\"}", &unit), GOVREPORT_OK);
    CHECK(unit > 0);
    snprintf(json, sizeof json, "{\"name\": \"区就业服务中心\", \"parent_id\": %lld}", (long long)unit);
    CHECK_RC(govreport_org_unit_add(db, json, &sub), GOVREPORT_OK);
    CHECK(sub > 0 && sub != unit);
    CHECK_RC(govreport_org_unit_add(db, "{\"name\": \"区财政局\", \"parent_id\": null}", &other), GOVREPORT_OK);

    /* Unit errors: each names the key, writes nothing and leaves *out_id at 0. */
    id = 77;
    CHECK_RC(govreport_org_unit_add(db, "{\"name\": \"区人社局\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(id == 0 && contains(govreport_errmsg(db), "already exists"));
    CHECK_RC(govreport_org_unit_add(db, "{\"name\": \"新单位\", \"parent_id\": 999999}", &id), GOVREPORT_NOT_FOUND);
    CHECK(contains(govreport_errmsg(db), "999999"));
    CHECK_RC(govreport_org_unit_add(db, "{\"name\": \"新单位\", \"colour\": 1}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"colour\""));
    CHECK_RC(govreport_org_unit_add(db, "{\"name\": 5}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"name\" must be a string"));
    CHECK_RC(govreport_org_unit_add(db, "{}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"name\" is required"));
    CHECK_RC(govreport_org_unit_add(db, "{\"name\": \"  \"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_org_unit_add(db, "{\"name\": \"新单位\", \"parent_id\": \"1\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"parent_id\""));
    CHECK_RC(govreport_org_unit_add(db, "{\"name\": ", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_org_unit_add(db, "[1]", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_org_unit_add(db, "null", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_org_unit_add(db, "{\"name\": \"\xff\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "UTF-8"));
    CHECK_RC(govreport_org_unit_add(db, NULL, &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_org_unit_add(db, "{\"name\": \"新单位\"}", NULL), GOVREPORT_INVALID_ARGUMENT);
    id = 42; /* the out id is 0 after every failure, a NULL handle included */
    CHECK_RC(govreport_org_unit_add(NULL, "{\"name\": \"新单位\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(id == 0);
    CHECK(query_n(db, "SELECT count(*) AS n FROM org_unit WHERE name = '新单位'") == 0);

    /* A task with supporting units and milestones. */
    snprintf(json, sizeof json,
             "{\"title\": \"城镇新增就业7400人以上\", \"target_id\": 10, \"lead_unit_id\": %lld, "
             "\"support_unit_ids\": [%lld, %lld], \"responsible_person\": \"张三\", "
             "\"deadline\": \"2024-12-31\", \"notes\": \"按月报送\", \"milestones\": ["
             "{\"due_date\": \"2024-06-30\", \"description\": \"完成全年任务过半\"}, "
             "{\"due_date\": \"2024-09-30\", \"description\": \"完成75%%\"}]}",
             (long long)unit, (long long)sub, (long long)other);
    CHECK_RC(govreport_task_add(db, json, &task), GOVREPORT_OK);
    CHECK(task > 0);
    *task_out = task;
    CHECK_RC(govreport_task_json(db, task, &s), GOVREPORT_OK);
    CHECK(contains(s, "\"title\":\"城镇新增就业7400人以上\"") && contains(s, "\"unit\":\"人\""));
    CHECK(contains(s, "\"lead_unit\":{") && contains(s, "区人社局"));
    CHECK(contains(s, "区就业服务中心") && contains(s, "区财政局"));
    CHECK(count_str(s, "\"due_date\":") == 2 && contains(s, "完成全年任务过半"));
    CHECK(contains(s, "\"deadline\":\"2024-12-31\"") && contains(s, "\"deadline_source\":\"set\""));
    govreport_string_free(s);
    snprintf(json, sizeof json, "{\"title\": \"就业见习岗位\", \"parent_id\": %lld, \"planned_value\": 200, \"unit\": \"人\"}", (long long)task);
    CHECK_RC(govreport_task_add(db, json, &id), GOVREPORT_OK);
    CHECK(id > task);
    CHECK_RC(govreport_task_add(db, "{\"title\": \"只有标题的任务\"}", &id), GOVREPORT_OK);

    /* Units and tasks as lists; milestones added and completed one by one. */
    CHECK_RC(govreport_org_units_json(db, &s), GOVREPORT_OK);
    CHECK(s != NULL && s[0] == '[' && contains(s, "区人社局") && contains(s, "区就业服务中心"));
    CHECK(count_str(s, "\"name\":") == query_n(db, "SELECT count(*) AS n FROM org_unit"));
    govreport_string_free(s);
    CHECK_RC(govreport_tasks_json(db, &s), GOVREPORT_OK);
    CHECK(s != NULL && s[0] == '[' && contains(s, "城镇新增就业7400人以上") && contains(s, "就业见习岗位"));
    CHECK(count_str(s, "\"deadline_source\":") == query_n(db, "SELECT count(*) AS n FROM task"));
    govreport_string_free(s);
    {
        int64_t ms = 0;
        CHECK_RC(govreport_milestone_add(db, task, "2024-11-30", " 完成全年任务 ", &ms), GOVREPORT_OK);
        CHECK(ms > 0);
        CHECK_RC(govreport_milestone_complete(db, ms, "2024-11-28"), GOVREPORT_OK);
        CHECK_RC(govreport_task_json(db, task, &s), GOVREPORT_OK);
        CHECK(count_str(s, "\"due_date\":") == 3 && contains(s, "\"description\":\"完成全年任务\""));
        CHECK(contains(s, "\"done_at\":\"2024-11-28\""));
        govreport_string_free(s);
        CHECK_RC(govreport_milestone_complete(db, ms, "2024-11-29"), GOVREPORT_INVALID_ARGUMENT);
        CHECK(contains(govreport_errmsg(db), "already completed"));
        ms = 77;
        CHECK_RC(govreport_milestone_add(db, 999999, "2024-11-30", "x", &ms), GOVREPORT_NOT_FOUND);
        CHECK(ms == 0);
        CHECK_RC(govreport_milestone_add(db, task, "2024-02-30", "x", &ms), GOVREPORT_INVALID_ARGUMENT);
        CHECK(contains(govreport_errmsg(db), "due_date"));
        CHECK_RC(govreport_milestone_add(db, task, "2024-11-30", "  ", &ms), GOVREPORT_INVALID_ARGUMENT);
        CHECK_RC(govreport_milestone_add(db, task, "2024-11-30", "\xff", &ms), GOVREPORT_INVALID_ARGUMENT);
        CHECK(contains(govreport_errmsg(db), "UTF-8"));
        CHECK_RC(govreport_milestone_add(db, task, NULL, "x", &ms), GOVREPORT_INVALID_ARGUMENT);
        CHECK_RC(govreport_milestone_add(db, task, "2024-11-30", NULL, &ms), GOVREPORT_INVALID_ARGUMENT);
        CHECK_RC(govreport_milestone_add(db, task, "2024-11-30", "x", NULL), GOVREPORT_INVALID_ARGUMENT);
        CHECK_RC(govreport_milestone_add(NULL, task, "2024-11-30", "x", &ms), GOVREPORT_INVALID_ARGUMENT);
        CHECK(query_n(db, "SELECT count(*) AS n FROM milestone WHERE description = 'x'") == 0);
        CHECK_RC(govreport_milestone_complete(db, 999999, "2024-11-28"), GOVREPORT_NOT_FOUND);
        CHECK_RC(govreport_milestone_complete(db, ms, "2024-13-01"), GOVREPORT_INVALID_ARGUMENT);
        CHECK_RC(govreport_milestone_complete(db, ms, NULL), GOVREPORT_INVALID_ARGUMENT);
        CHECK_RC(govreport_milestone_complete(NULL, ms, "2024-11-28"), GOVREPORT_INVALID_ARGUMENT);
    }
    CHECK_RC(govreport_org_units_json(db, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_org_units_json(NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_tasks_json(db, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_tasks_json(NULL, &s), GOVREPORT_INVALID_ARGUMENT);

    /* Task errors. */
    s = (char *)&s;
    CHECK_RC(govreport_task_json(db, 999999, &s), GOVREPORT_NOT_FOUND);
    CHECK(s == NULL);
    CHECK_RC(govreport_task_json(db, task, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_task_json(NULL, task, &s), GOVREPORT_INVALID_ARGUMENT);
    id = 77;
    CHECK_RC(govreport_task_add(db, "{\"title\": \"x\", \"target_id\": 999999}", &id), GOVREPORT_NOT_FOUND);
    CHECK(id == 0 && contains(govreport_errmsg(db), "target_id"));
    CHECK_RC(govreport_task_add(db, "{\"title\": \"x\", \"lead_unit_id\": 999999}", &id), GOVREPORT_NOT_FOUND);
    CHECK(contains(govreport_errmsg(db), "lead_unit_id"));
    CHECK_RC(govreport_task_add(db, "{\"title\": \"x\", \"parent_id\": 999999}", &id), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_task_add(db, "{\"title\": \"x\", \"project_id\": 999999}", &id), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_task_add(db, "{\"title\": \"x\", \"report_id\": 999999}", &id), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_task_add(db, "{\"title\": \"x\", \"target_id\": 10, \"unit\": \"亿元\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "unit"));
    CHECK_RC(govreport_task_add(db, "{\"title\": \"x\", \"deadline\": \"2024-13-01\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "deadline"));
    CHECK_RC(govreport_task_add(db, "{\"title\": \"x\", \"milestones\": [{\"due_date\": \"2024-02-30\", \"description\": \"y\"}]}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "due_date"));
    CHECK_RC(govreport_task_add(db, "{\"title\": \"x\", \"milestones\": [{\"due\": \"2024-02-01\"}]}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "milestone 1") && contains(govreport_errmsg(db), "\"due\""));
    CHECK(contains(govreport_errmsg(db), "unknown key \"due\" in task_json milestone 1 (known: due_date, description)"));
    CHECK_RC(govreport_task_add(db, "{\"title\": \"x\", \"milestones\": [{\"due_date\": \"2024-02-01\"}]}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "task_json milestone 1 key \"description\" is required"));
    CHECK_RC(govreport_task_add(db, "{\"title\": \"x\", \"milestones\": {}}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_task_add(db, "{\"title\": \"x\", \"support_unit_ids\": [\"区财政局\"]}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"support_unit_ids\" item 1 must be an integer"));
    CHECK_RC(govreport_task_add(db, "{\"title\": \"x\", \"support_unit_ids\": [999999]}", &id), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_task_add(db, "{\"title\": \"x\", \"planned_value\": \"many\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"planned_value\" must be a number"));
    CHECK_RC(govreport_task_add(db, "{\"titel\": \"x\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"titel\""));
    CHECK_RC(govreport_task_add(db, "{\"title\": \"x\"", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_task_add(db, "{\"title\": \"\xc3\x28\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_task_add(db, NULL, &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_task_add(db, "{\"title\": \"x\"}", NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_task_add(NULL, "{\"title\": \"x\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(query_n(db, "SELECT count(*) AS n FROM task WHERE title = 'x'") == 0);

    /* Decomposing a target. */
    CHECK_RC(govreport_target_decompose(db, 10,
                                        "[{\"title\": \"城关镇\", \"planned_value\": 3000, \"lead_unit\": \"城关镇政府\", "
                                        "\"responsible_person\": \"李四\", \"deadline\": \"2024-11-30\"}, "
                                        "{\"title\": \"首阳山街道\", \"planned_value\": 2000}]",
                                        &s),
             GOVREPORT_OK);
    CHECK(json_int(s, "parent_id") == task); /* the existing top-level task of target 10 */
    CHECK(contains(s, "\"task_ids\":[") && count_str(s, ",") == 2);
    govreport_string_free(s);
    CHECK(query_n(db, "SELECT count(*) AS n FROM org_unit WHERE name = '城关镇政府'") == 1);
    s = (char *)&s;
    CHECK_RC(govreport_target_decompose(db, 999999, "[]", &s), GOVREPORT_NOT_FOUND);
    CHECK(s == NULL);
    CHECK_RC(govreport_target_decompose(db, 11, "[{\"title\": \"a\", \"planned_value\": 5}]", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "cap"));
    CHECK_RC(govreport_target_decompose(db, 10, "[{\"title\": \"a\"}, {\"name\": \"b\"}]", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "sub-item 2") && contains(govreport_errmsg(db), "\"name\""));
    CHECK_RC(govreport_target_decompose(db, 10, "[{\"title\": \"a\", \"deadline\": \"2024-13-01\"}]", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "sub-item 1"));
    CHECK_RC(govreport_target_decompose(db, 10, "{\"title\": \"a\"}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "must be a JSON array"));
    CHECK_RC(govreport_target_decompose(db, 10, "[", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_target_decompose(db, 10, "[{\"title\": \"\xff\"}]", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_target_decompose(db, 10, NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_target_decompose(db, 10, "[]", NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_target_decompose(NULL, 10, "[]", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(query_n(db, "SELECT count(*) AS n FROM task WHERE title IN ('a', 'b')") == 0);
}

static void test_progress(govreport_db *db, int64_t task) {
    int64_t first = -1, fix = -1, id = -1, n = -1;
    char *s = (char *)&s;
    char json[1024];

    CHECK_RC(govreport_progress_append(db,
                                       "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-06\", "
                                       "\"value\": 4200, \"unit\": \"人\", \"cumulative\": true, "
                                       "\"progress_text\": \"1-6月城镇新增就业4200人\", \"problems\": \"无\", "
                                       "\"next_steps\": \"继续推进\", \"reported_by\": \"区人社局\", "
                                       "\"reported_at\": \"2024-07-05\"}",
                                       &first),
             GOVREPORT_OK);
    CHECK(first > 0);
    /* A correction supersedes it; both stay visible. */
    snprintf(json, sizeof json,
             "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-06\", "
             "\"value\": 4300, \"unit\": \"人\", \"cumulative\": true, \"supersedes_id\": %lld}",
             (long long)first);
    CHECK_RC(govreport_progress_append(db, json, &fix), GOVREPORT_OK);
    CHECK(fix > first);
    id = 77;
    CHECK_RC(govreport_progress_append(db, json, &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(id == 0 && contains(govreport_errmsg(db), "already superseded"));
    /* Another unit with the same base: 35000 万元 for a target in 亿元. */
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 305, \"period\": \"2024-Q2\", \"value\": 35000, \"unit\": \"万元\", \"cumulative\": true}", &id), GOVREPORT_OK);
    CHECK_RC(govreport_progress_history_json(db, "target", 305, &s), GOVREPORT_OK);
    CHECK(contains(s, "\"value\":3.5,\"unit\":\"亿元\""));
    govreport_string_free(s);
    /* A task, and a project the report names. */
    snprintf(json, sizeof json, "{\"subject_kind\": \"task\", \"subject_id\": %lld, \"period\": \"2024-Q2\", \"value\": 1000, \"unit\": \"人\", \"cumulative\": true}", (long long)task);
    CHECK_RC(govreport_progress_append(db, json, &id), GOVREPORT_OK);
    CHECK_RC(govreport_progress_append(db,
                                       "{\"subject_kind\": \"project\", \"subject_id\": 1, \"period\": \"2024-06\", "
                                       "\"cumulative\": true, \"project\": {\"invested_period\": 800, "
                                       "\"invested_to_date\": 5000, \"invest_unit\": \"万元\", \"status\": "
                                       "\"under_construction\", \"physical_progress\": \"主体结构完工\", "
                                       "\"planned_start\": \"2024-03-01\", \"actual_start\": \"2024-03-15\"}}",
                                       &id),
             GOVREPORT_OK);
    CHECK_RC(govreport_progress_history_json(db, "project", 1, &s), GOVREPORT_OK);
    CHECK(contains(s, "\"invested_to_date_base\":50000000") && contains(s, "\"status\":\"under_construction\""));
    govreport_string_free(s);

    /* Bad records: each names the key and writes nothing. */
    n = history_count(db, "target", 10);
    CHECK(n == 2);
    id = 77;
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-13\", \"value\": 1, \"unit\": \"人\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(id == 0 && contains(govreport_errmsg(db), "period") && contains(govreport_errmsg(db), "2024-13"));
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-Q5\", \"value\": 1, \"unit\": \"人\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2023-06\", \"value\": 1, \"unit\": \"人\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "plan year"));
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"June\", \"value\": 1, \"unit\": \"人\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-06\", \"value\": 1, \"unit\": \"亿元\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "unit") && contains(govreport_errmsg(db), "亿元"));
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-06\", \"value\": 1}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "unit"));
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-06\", \"value\": \"4200\", \"unit\": \"人\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"value\" must be a number"));
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-06\", \"cumulative\": \"yes\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"cumulative\""));
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-06\", \"colour\": \"red\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "unknown key \"colour\" in progress_json (known: subject_kind, subject_id, period,"));
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"period\": \"2024-06\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"subject_id\" is required"));
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"planet\", \"subject_id\": 10, \"period\": \"2024-06\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"subject_kind\" \"planet\" is not one of target, task, project, register_project"));
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 999999, \"period\": \"2024-06\"}", &id), GOVREPORT_NOT_FOUND);
    CHECK(contains(govreport_errmsg(db), "999999"));
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"task\", \"subject_id\": 999999, \"period\": \"2024-06\"}", &id), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-06\", \"supersedes_id\": 999999}", &id), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-06\", \"reported_at\": \"2024-05-01\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "reported_at"));
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-06\", \"project\": {\"status\": \"completed\"}}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"project\", \"subject_id\": 1, \"period\": \"2024-06\", \"project\": {\"status\": \"flying\"}}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"status\""));
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"project\", \"subject_id\": 1, \"period\": \"2024-06\", \"project\": {\"invested\": 5}}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "unknown key \"invested\" in progress_json.project"));
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"project\", \"subject_id\": 1, \"period\": \"2024-06\", \"project\": {\"invested_to_date\": 5, \"invest_unit\": \"人\"}}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "invest_unit"));
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"project\", \"subject_id\": 1, \"period\": \"2024-06\", \"project\": 5}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "progress_json key \"project\" must be a JSON object"));
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 10,", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "not valid JSON"));
    CHECK_RC(govreport_progress_append(db, "null", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-06\", \"problems\": \"\xe4\xb8\"}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "UTF-8"));
    CHECK_RC(govreport_progress_append(db, NULL, &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_progress_append(db, "{}", NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_progress_append(NULL, "{}", &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(history_count(db, "target", 10) == n);

    /* Batches: all or nothing. */
    CHECK_RC(govreport_progress_append_batch(db,
                                             "[{\"subject_kind\": \"target\", \"subject_id\": 7, \"period\": \"2024-03\", \"value\": 1500, \"unit\": \"户\", \"cumulative\": true},"
                                             " {\"subject_kind\": \"target\", \"subject_id\": 8, \"period\": \"2024-03\", \"value\": 9, \"unit\": \"家\"},"
                                             " {\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-03\", \"value\": 2000, \"unit\": \"人\", \"cumulative\": true}]",
                                             &n),
             GOVREPORT_OK);
    CHECK(n == 3);
    CHECK(history_count(db, "target", 10) == 3);
    n = 77;
    CHECK_RC(govreport_progress_append_batch(db,
                                             "[{\"subject_kind\": \"target\", \"subject_id\": 7, \"period\": \"2024-04\", \"value\": 1, \"unit\": \"户\"},"
                                             " {\"subject_kind\": \"target\", \"subject_id\": 7, \"period\": \"2024-13\", \"value\": 1, \"unit\": \"户\"}]",
                                             &n),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK(n == 0 && contains(govreport_errmsg(db), "progress record 2") && contains(govreport_errmsg(db), "2024-13"));
    CHECK_RC(govreport_progress_append_batch(db,
                                             "[{\"subject_kind\": \"target\", \"subject_id\": 7, \"period\": \"2024-04\", \"value\": 1, \"unit\": \"户\"},"
                                             " {\"subject_kind\": \"target\", \"subject_id\": 999999, \"period\": \"2024-04\"}]",
                                             &n),
             GOVREPORT_NOT_FOUND);
    CHECK(contains(govreport_errmsg(db), "progress record 2"));
    CHECK_RC(govreport_progress_append_batch(db, "[{\"subject_kind\": \"target\", \"subject_id\": 7, \"period\": \"2024-04\"}, {\"oops\": 1}]", &n), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "progress record 2") && contains(govreport_errmsg(db), "\"oops\""));
    CHECK(contains(govreport_errmsg(db), "unknown key \"oops\" in progress record 2 (known:"));
    CHECK(history_count(db, "target", 7) == 1);
    CHECK_RC(govreport_progress_append_batch(db, "[]", &n), GOVREPORT_OK);
    CHECK(n == 0);
    CHECK_RC(govreport_progress_append_batch(db, "{}", &n), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "must be a JSON array"));
    CHECK_RC(govreport_progress_append_batch(db, "[1]", &n), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_progress_append_batch(db, "[", &n), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_progress_append_batch(db, "[\"\xff\"]", &n), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_progress_append_batch(db, NULL, &n), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_progress_append_batch(db, "[]", NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_progress_append_batch(NULL, "[]", &n), GOVREPORT_INVALID_ARGUMENT);

    /* History. */
    CHECK_RC(govreport_progress_history_json(db, "target", 10, &s), GOVREPORT_OK);
    CHECK(count_str(s, "\"subject_kind\":\"target\"") == 3);
    {
        char want[64];
        snprintf(want, sizeof want, "\"superseded_by\":%lld", (long long)fix);
        CHECK(contains(s, want));
        snprintf(want, sizeof want, "\"supersedes_id\":%lld", (long long)first);
        CHECK(contains(s, want));
    }
    CHECK(contains(s, "\"period\":\"2024-03\"") && contains(s, "1-6月城镇新增就业4200人"));
    govreport_string_free(s);
    CHECK_RC(govreport_progress_history_json(db, "target", 1, &s), GOVREPORT_OK);
    CHECK(s && strcmp(s, "[]") == 0);
    govreport_string_free(s);
    s = (char *)&s;
    CHECK_RC(govreport_progress_history_json(db, "target", 999999, &s), GOVREPORT_NOT_FOUND);
    CHECK(s == NULL && contains(govreport_errmsg(db), "target 999999"));
    CHECK_RC(govreport_progress_history_json(db, "register_project", 999999, &s), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_progress_history_json(db, "planet", 10, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_progress_history_json(db, "\xff", 10, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_progress_history_json(db, NULL, 10, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_progress_history_json(db, "target", 10, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_progress_history_json(NULL, "target", 10, &s), GOVREPORT_INVALID_ARGUMENT);
}

static void test_evaluation(govreport_db *db) {
    char *s = (char *)&s;
    const char *p;

    CHECK_RC(govreport_evaluate_targets_json(db, "2024-06", NULL, &s), GOVREPORT_OK);
    CHECK(s != NULL && s[0] == '[');
    /* Target 10: 4,300 of 7,400 people by June (58.1% against 50%) is ahead, green. */
    p = strstr(s ? s : "", "{\"target_id\":10,");
    CHECK(p != NULL);
    if (p) {
        const char *end = strchr(p, '}');
        CHECK(end != NULL && strstr(p, "\"value\":4300") != NULL && strstr(p, "\"value\":4300") < end);
        CHECK(strstr(p, "\"status\":\"ahead\"") < end && strstr(p, "\"light\":\"green\"") < end);
        CHECK(strstr(p, "\"schedule_pct\":50") < end);
    }
    CHECK(contains(s, "\"status\":\"no_data\",\"light\":null"));
    govreport_string_free(s);
    CHECK_RC(govreport_evaluate_targets_json(db, "2024-Q4",
                                             "{\"as_of\": \"2025-01-10\", \"ahead_margin\": 2, \"yellow_margin\": 5, "
                                             "\"red_margin\": 20, \"blue_days\": 15, \"approx_tolerance\": 0.1, \"report_id\": 1}",
                                             &s),
             GOVREPORT_OK);
    CHECK(contains(s, "\"status\":\"overdue\"") && contains(s, "\"light\":\"red\""));
    govreport_string_free(s);

    /* Bad periods and configs. */
    s = (char *)&s;
    CHECK_RC(govreport_evaluate_targets_json(db, "2024-13", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(s == NULL && contains(govreport_errmsg(db), "period") && contains(govreport_errmsg(db), "2024-13"));
    CHECK_RC(govreport_evaluate_targets_json(db, "2024-00", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_targets_json(db, "1900-06", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_targets_json(db, "", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_targets_json(db, "2024-06", "{\"red\": 20}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"red\""));
    CHECK_RC(govreport_evaluate_targets_json(db, "2024-06", "{\"red_margin\": -1}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "red_margin"));
    CHECK_RC(govreport_evaluate_targets_json(db, "2024-06", "{\"red_margin\": 5, \"yellow_margin\": 10}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_targets_json(db, "2024-06", "{\"blue_days\": 1.5}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"blue_days\""));
    CHECK_RC(govreport_evaluate_targets_json(db, "2024-06", "{\"as_of\": \"2024-02-30\"}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "as_of"));
    CHECK_RC(govreport_evaluate_targets_json(db, "2024-06", "{\"report_id\": 999}", &s), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_evaluate_targets_json(db, "2024-06", "{", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_targets_json(db, "2024-06", "[]", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_targets_json(db, "2024-\xff", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_targets_json(db, NULL, NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_targets_json(db, "2024-06", NULL, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_targets_json(NULL, "2024-06", NULL, &s), GOVREPORT_INVALID_ARGUMENT);

    CHECK_RC(govreport_evaluate_projects_json(db, "2024-06", NULL, &s), GOVREPORT_OK);
    CHECK(contains(s, "\"period\":\"2024-06\"") && contains(s, "\"schedule_pct\":50"));
    CHECK(contains(s, "\"projects\":[") && contains(s, "\"start_rate_pct\":"));
    CHECK(contains(s, "\"invested_to_date_base\":50000000"));
    govreport_string_free(s);
    CHECK_RC(govreport_evaluate_projects_json(db, "2024-Q2", "{\"as_of\": \"2024-06-15\"}", &s), GOVREPORT_OK);
    govreport_string_free(s);
    s = (char *)&s;
    CHECK_RC(govreport_evaluate_projects_json(db, "2024-13", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(s == NULL && contains(govreport_errmsg(db), "2024-13"));
    CHECK_RC(govreport_evaluate_projects_json(db, "2024-06", "{\"colour\": 1}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_projects_json(db, "2024-06", "{\"report_id\": 999}", &s), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_evaluate_projects_json(db, "2024-06", "{\"as_of\": \"\xff\"}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_projects_json(db, NULL, NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_projects_json(db, "2024-06", NULL, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_projects_json(NULL, "2024-06", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
}

/* ---- commitments: progress, evaluation, light history ----------------------------------------- */

/* Whether `needle` occurs in the part of `s` that starts at `start` and ends before the next
 * `next` (or the end of `s`). */
static int in_object(const char *s, const char *start, const char *next, const char *needle) {
    const char *p = s ? strstr(s, start) : NULL;
    const char *end, *q;
    if (p == NULL)
        return 0;
    end = strstr(p + strlen(start), next);
    if (end == NULL)
        end = p + strlen(p);
    q = strstr(p, needle);
    return q != NULL && q < end;
}

static void test_commitments_and_lights(govreport_db *db) {
    int64_t feb = -1, march = -1, fix = -1, id = -1;
    long long before;
    char *s = (char *)&s;
    char json[1024];
    const char *c11 = "{\"commitment_id\":11,";
    const char *next = "{\"commitment_id\":";

    /* Commitment 11 (居民收入增长与经济增长基本同步), SYNTHETIC records: 推进中 for February, 滞后
     * for March (reported in March), corrected to 推进中 on 10 April, 推进中 for April. */
    CHECK_RC(govreport_progress_append(db,
                                       "{\"subject_kind\": \"commitment\", \"subject_id\": 11, \"period\": \"2024-02\", "
                                       "\"work_status\": \"推进中\", \"progress_text\": \"SYNTHETIC 2月推进\", "
                                       "\"reported_by\": \"SYNTHETIC\", \"reported_at\": \"2024-02-26\"}",
                                       &feb),
             GOVREPORT_OK);
    CHECK(feb > 0);
    CHECK_RC(govreport_progress_append(db,
                                       "{\"subject_kind\": \"commitment\", \"subject_id\": 11, \"period\": \"2024-03\", "
                                       "\"work_status\": \"lagging\", \"progress_text\": \"SYNTHETIC 3月\", "
                                       "\"problems\": \"SYNTHETIC 数据滞后\", \"next_steps\": \"SYNTHETIC 4月补报\", "
                                       "\"reported_at\": \"2024-03-27\"}",
                                       &march),
             GOVREPORT_OK);
    snprintf(json, sizeof json,
             "{\"subject_kind\": \"commitment\", \"subject_id\": 11, \"period\": \"2024-03\", "
             "\"work_status\": \"in_progress\", \"progress_text\": \"SYNTHETIC 3月更正\", "
             "\"supersedes_id\": %lld, \"reported_at\": \"2024-04-10T09:00:00+08:00\"}",
             (long long)march);
    CHECK_RC(govreport_progress_append(db, json, &fix), GOVREPORT_OK);
    CHECK(fix > march);
    CHECK_RC(govreport_progress_append(db,
                                       "{\"subject_kind\": \"commitment\", \"subject_id\": 11, \"period\": \"2024-04\", "
                                       "\"work_status\": \"推进中\", \"reported_at\": \"2024-04-25\"}",
                                       &id),
             GOVREPORT_OK);
    CHECK(history_count(db, "commitment", 11) == 4);
    CHECK_RC(govreport_progress_history_json(db, "commitment", 11, &s), GOVREPORT_OK);
    CHECK(contains(s, "\"work_status\":\"lagging\"") && contains(s, "\"work_status\":\"in_progress\""));
    CHECK(contains(s, "\"value\":null") && contains(s, "\"cumulative\":false"));
    snprintf(json, sizeof json, "\"superseded_by\":%lld", (long long)fix);
    CHECK(contains(s, json));
    govreport_string_free(s);

    /* Evaluated now the correction counts; as known at the end of March it does not. */
    CHECK_RC(govreport_evaluate_commitments_json(db, "2024-03", NULL, &s), GOVREPORT_OK);
    CHECK(count_str(s, "{\"commitment_id\":") == 143);
    CHECK(in_object(s, c11, next, "\"status\":\"on_schedule\",\"light\":\"green\",\"reason\":\"正常推进\""));
    CHECK(in_object(s, c11, next, "\"kind\":\"qualitative\""));
    CHECK(in_object(s, c11, next, "\"target_statuses\":[]"));
    /* Commitment 10 carries target 10: its evaluation comes with it. */
    CHECK(in_object(s, "{\"commitment_id\":10,", next, "\"target_statuses\":[{\"target_id\":10,"));
    govreport_string_free(s);
    CHECK_RC(govreport_evaluate_commitments_json(db, "2024-03", "{\"known_at\": \"2024-03-31\", \"report_id\": 1}", &s),
             GOVREPORT_OK);
    CHECK(in_object(s, c11, next, "\"status\":\"behind\",\"light\":\"red\",\"reason\":\"报送滞后\""));
    CHECK(in_object(s, c11, next, "\"problems\":\"SYNTHETIC 数据滞后\",\"next_steps\":\"SYNTHETIC 4月补报\""));
    govreport_string_free(s);
    CHECK_RC(govreport_evaluate_commitments_json(db, "2024-06", "{\"silent_periods\": 0}", &s), GOVREPORT_OK);
    CHECK(in_object(s, "{\"commitment_id\":13,", next, "\"status\":\"no_data\",\"light\":null"));
    govreport_string_free(s);

    /* The history: each month as known at its end. */
    CHECK_RC(govreport_light_history_json(db, "commitment", 11, "2024-01", "2024-04", NULL, &s), GOVREPORT_OK);
    CHECK(count_str(s, "{\"period\":") == 4);
    CHECK(contains(s, "{\"period\":\"2024-01\",\"as_of\":\"2024-01-31T23:59:59+08:00\",\"light\":\"yellow\","
                      "\"status\":\"no_data\",\"latest_record_id\":null,\"recovered\":false}"));
    CHECK(contains(s, "{\"period\":\"2024-02\",\"as_of\":\"2024-02-29T23:59:59+08:00\",\"light\":\"green\""));
    snprintf(json, sizeof json,
             "{\"period\":\"2024-03\",\"as_of\":\"2024-03-31T23:59:59+08:00\",\"light\":\"red\","
             "\"status\":\"behind\",\"latest_record_id\":%lld,\"recovered\":false}",
             (long long)march);
    CHECK(contains(s, json));
    CHECK(contains(s, "{\"period\":\"2024-04\",\"as_of\":\"2024-04-30T23:59:59+08:00\",\"light\":\"green\""));
    govreport_string_free(s);
    CHECK_RC(govreport_light_history_json(db, "commitment", 11, "2024-01", "2024-04", "{\"recolour_recovered\": true}", &s),
             GOVREPORT_OK);
    CHECK(contains(s, "{\"period\":\"2024-03\",\"as_of\":\"2024-03-31T23:59:59+08:00\",\"light\":\"yellow\","
                      "\"status\":\"behind\""));
    CHECK(count_str(s, "\"recovered\":true") == 1);
    govreport_string_free(s);
    CHECK_RC(govreport_light_history_json(db, "target", 10, "2024-01", "2024-12", "{\"yellow_margin\": 5}", &s),
             GOVREPORT_OK);
    CHECK(count_str(s, "{\"period\":") == 12 && contains(s, "\"period\":\"2024-12\""));
    govreport_string_free(s);

    /* Bad records: nothing written, the id 0, the message says what to do. */
    before = query_n(db, "SELECT count(*) AS n FROM progress");
    id = 77;
    CHECK_RC(govreport_progress_append(db,
                                       "{\"subject_kind\": \"commitment\", \"subject_id\": 11, \"period\": \"2024-06\", "
                                       "\"value\": 3, \"unit\": \"%\", \"work_status\": \"done\"}",
                                       &id),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK(id == 0 && contains(govreport_errmsg(db), "not a value"));
    CHECK_RC(govreport_progress_append(db,
                                       "{\"subject_kind\": \"target\", \"subject_id\": 1, \"period\": \"2024-06\", "
                                       "\"value\": 5, \"unit\": \"%\", \"work_status\": \"done\"}",
                                       &id),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "work_status"));
    CHECK_RC(govreport_progress_append(db,
                                       "{\"subject_kind\": \"commitment\", \"subject_id\": 11, \"period\": \"2024-06\", "
                                       "\"work_status\": \"finished\"}",
                                       &id),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "推进中"));
    CHECK_RC(govreport_progress_append(db,
                                       "{\"subject_kind\": \"commitment\", \"subject_id\": 99999, \"period\": \"2024-06\", "
                                       "\"work_status\": \"done\"}",
                                       &id),
             GOVREPORT_NOT_FOUND);
    snprintf(json, sizeof json,
             "{\"subject_kind\": \"commitment\", \"subject_id\": 11, \"period\": \"2024-02\", "
             "\"work_status\": \"done\", \"supersedes_id\": %lld, \"reported_at\": \"2024-02-20\"}",
             (long long)feb);
    CHECK_RC(govreport_progress_append(db, json, &id), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "reported_at") && contains(govreport_errmsg(db), "before"));
    CHECK(query_n(db, "SELECT count(*) AS n FROM progress") == before);

    /* Bad evaluations and histories. */
    s = (char *)&s;
    CHECK_RC(govreport_evaluate_commitments_json(db, "2024-13", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(s == NULL && contains(govreport_errmsg(db), "2024-13"));
    CHECK_RC(govreport_evaluate_commitments_json(db, "2024-06", "{\"report_id\": 999}", &s), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_evaluate_commitments_json(db, "2024-06", "{\"known_at\": \"yesterday\"}", &s),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "known_at"));
    CHECK_RC(govreport_evaluate_commitments_json(db, "2024-06", "{\"silent_periods\": -1}", &s),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "\"silent_periods\""));
    CHECK_RC(govreport_evaluate_commitments_json(db, "2024-06", "{\"silent_periods\": 121}", &s),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_commitments_json(db, "2024-06", "{\"recolour_recovered\": \"yes\"}", &s),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_commitments_json(db, "2024-06", "{\"silence\": 1}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_commitments_json(db, NULL, NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_commitments_json(db, "2024-06", NULL, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_evaluate_commitments_json(NULL, "2024-06", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(s == NULL);
    CHECK_RC(govreport_light_history_json(db, "commitment", 11, "2024-13", "2024-12", NULL, &s),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK(s == NULL && contains(govreport_errmsg(db), "from"));
    CHECK_RC(govreport_light_history_json(db, "commitment", 11, "2024-01", "2024-Q4", NULL, &s),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "quarter"));
    CHECK_RC(govreport_light_history_json(db, "commitment", 11, "2024-06", "2024-05", NULL, &s),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "before"));
    CHECK_RC(govreport_light_history_json(db, "commitment", 11, "2014-01", "2024-01", NULL, &s),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "120"));
    CHECK_RC(govreport_light_history_json(db, "task", 1, "2024-01", "2024-02", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_light_history_json(db, "planet", 1, "2024-01", "2024-02", NULL, &s),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_light_history_json(db, "commitment", 99999, "2024-01", "2024-02", NULL, &s),
             GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_light_history_json(db, "register_project", 99999, "2024-01", "2024-02", NULL, &s),
             GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_light_history_json(db, "target", 10, "2024-01", "2024-02", "{\"as_of\": \"2024-06-30\"}", &s),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "as_of"));
    CHECK_RC(govreport_light_history_json(db, "target", 10, "2024-01", "2024-02", "{", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_light_history_json(db, NULL, 10, "2024-01", "2024-02", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_light_history_json(db, "target", 10, NULL, "2024-02", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_light_history_json(db, "target", 10, "2024-01", NULL, NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_light_history_json(db, "target", 10, "2024-\xff", "2024-02", NULL, &s),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_light_history_json(db, "target", 10, "2024-01", "2024-02", NULL, NULL),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_light_history_json(NULL, "target", 10, "2024-01", "2024-02", NULL, &s),
             GOVREPORT_INVALID_ARGUMENT);
    CHECK(s == NULL);
}

/* Two threads append batches through one handle at the same time: no record is lost. */
struct appender {
    govreport_db *db;
    int id;
    int ok;
};

static void *appender_main(void *arg) {
    struct appender *a = (struct appender *)arg;
    int i;
    a->ok = 1;
    for (i = 0; i < 10; i++) {
        char json[512];
        int64_t n = 0, id = 0;
        snprintf(json, sizeof json,
                 "[{\"subject_kind\": \"target\", \"subject_id\": 8, \"period\": \"2024-%02d\", \"value\": 1, \"unit\": \"家\", \"reported_by\": \"thread %d\"},"
                 " {\"subject_kind\": \"target\", \"subject_id\": 8, \"period\": \"2024-%02d\", \"value\": 1, \"unit\": \"家\", \"reported_by\": \"thread %d\"}]",
                 1 + i % 12, a->id, 1 + i % 12, a->id);
        if (govreport_progress_append_batch(a->db, json, &n) != GOVREPORT_OK || n != 2)
            a->ok = 0;
        snprintf(json, sizeof json,
                 "{\"subject_kind\": \"target\", \"subject_id\": 8, \"period\": \"2024-Q%d\", \"value\": 1, \"unit\": \"家\"}",
                 1 + i % 4);
        if (govreport_progress_append(a->db, json, &id) != GOVREPORT_OK || id <= 0)
            a->ok = 0;
    }
    return NULL;
}

static void test_threads(govreport_db *db) {
    enum { N = 3 };
    pthread_t t[N];
    struct appender a[N];
    int64_t before = history_count(db, "target", 8);
    int i;
    for (i = 0; i < N; i++) {
        a[i].db = db;
        a[i].id = i;
        a[i].ok = 0;
        CHECK(pthread_create(&t[i], NULL, appender_main, &a[i]) == 0);
    }
    for (i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        CHECK(a[i].ok == 1);
    }
    CHECK(history_count(db, "target", 8) == before + N * 30);
}

/* ---- registers ----------------------------------------------------------------------------- */

static const char *PROJECTS_CSV =
    "SYNTHETIC 合成测试数据（非真实项目）\n"
    "项目代码,项目名称,项目类别,总投资（万元）,年度计划投资（万元）,业主单位,包保领导,计划开工时间\n"
    "SYN-001,合成测试项目甲,新开工,52000,20000,合成测试公司,王五,2024-03-01\n"
    "SYN-002,合成测试项目乙,续建,10000,3000,合成测试公司,赵六,2023-05-01\n"
    "SYN-003,合成测试项目丙,竣工,8000,8000,,,\n";

/* Row 4: bad category; row 5: not a number; rows 3 and 6: the same code; row 7 is good. */
static const char *PROJECTS_BAD_CSV =
    "SYNTHETIC 合成测试数据（非真实项目）\n"
    "项目代码,项目名称,项目类别,总投资（万元）,年度计划投资（万元）\n"
    "SYN-101,合成坏行测试甲,新开工,100,50\n"
    "SYN-102,合成坏行测试乙,未知类别,100,50\n"
    "SYN-103,合成坏行测试丙,续建,abc,50\n"
    "SYN-101,合成坏行测试丁,续建,100,50\n"
    "SYN-104,合成坏行测试戊,续建,100,50\n";

static const char *VILLAGES_CSV =
    "SYNTHETIC 合成村庄台账（非真实数据）\n"
    "统计用区划代码,名称,乡镇,城乡分类代码,年份,集体经济收入（万元）,五星支部星级,乡里中心\n"
    "410307101000,岳滩镇,,,,,,\n"
    "410307101201,岳滩村,,220,2023,40,4,是\n"
    "410307101201,岳滩村,,220,2024,60,五星,是\n"
    "410307101202,王庄村,,220,2023,12,3,否\n"
    "410307101202,王庄村,,220,2024,16,四星,是\n"
    "410307104201,缑氏村,缑氏镇,220,2024,14,3,是\n";

static const char *VILLAGES_BAD_CSV =
    "SYNTHETIC 合成村庄台账（非真实数据）\n"
    "统计用区划代码,名称,年份,集体经济收入（万元）,五星支部星级\n"
    "4103071012,短代码村,2024,10,3\n"
    "410307101205,星级过高村,2024,10,6\n";

static void test_registers(govreport_db *db, const char *tmpdir) {
    char path[512], bad[512], out_path[512];
    char *r = (char *)&r;
    char *s = NULL;
    long long rows = -1;

    snprintf(path, sizeof path, "%s/projects.csv", tmpdir);
    snprintf(bad, sizeof bad, "%s/projects_bad.csv", tmpdir);
    CHECK(write_file(path, PROJECTS_CSV) && write_file(bad, PROJECTS_BAD_CSV));

    rows = query_n(db, "SELECT count(*) AS n FROM register_project");
    CHECK_RC(govreport_register_import_projects(db, path, NULL, &r), GOVREPORT_OK);
    CHECK(json_int(r, "inserted") == 3 && json_int(r, "updated") == 0 && json_int(r, "header_row") == 2);
    CHECK(contains(r, "\"source\":\"projects.csv\""));
    govreport_string_free(r);
    CHECK(query_n(db, "SELECT count(*) AS n FROM register_project") == rows + 3);
    CHECK_RC(govreport_register_import_projects(db, path, "{\"report_id\": 1, \"skip_bad_rows\": false}", &r), GOVREPORT_OK);
    CHECK(json_int(r, "inserted") == 0 && json_int(r, "updated") == 3);
    govreport_string_free(r);

    /* Bad rows: nothing imported, every problem as JSON. */
    r = (char *)&r;
    CHECK_RC(govreport_register_import_projects(db, bad, NULL, &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK(r != NULL && contains(r, "\"source\":\"projects_bad.csv\"") && contains(r, "\"problems\":["));
    CHECK(contains(r, "\"row\":4,\"column\":\"项目类别\",\"value\":\"未知类别\",\"kind\":\"bad_category\""));
    CHECK(contains(r, "\"row\":5,\"column\":\"总投资（万元）\"") && contains(r, "\"kind\":\"not_a_number\""));
    CHECK(contains(r, "\"kind\":\"duplicate_code\"") && contains(r, "\"row\":6,"));
    CHECK(contains(r, "\"reason\":"));
    govreport_string_free(r);
    CHECK(contains(govreport_errmsg(db), "nothing imported") && contains(govreport_errmsg(db), "problem"));
    CHECK(query_n(db, "SELECT count(*) AS n FROM register_project") == rows + 3);
    /* Skipping the bad rows imports the good one. */
    CHECK_RC(govreport_register_import_projects(db, bad, "{\"skip_bad_rows\": true}", &r), GOVREPORT_OK);
    CHECK(json_int(r, "inserted") >= 1 && contains(r, "\"skipped\":[{") && contains(r, "\"row\":4,"));
    govreport_string_free(r);

    /* Import limits in the options: a file above one is refused naming it, nothing written. */
    rows = query_n(db, "SELECT count(*) AS n FROM register_project");
    r = (char *)&r;
    CHECK_RC(govreport_register_import_projects(db, path, "{\"max_rows\": 2}", &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK(r == NULL && contains(govreport_errmsg(db), "max_rows = 2"));
    CHECK_RC(govreport_register_import_projects(db, path, "{\"max_row_bytes\": 10, \"max_bytes\": 100000}", &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK(r == NULL && contains(govreport_errmsg(db), "max_row_bytes = 10"));
    CHECK_RC(govreport_register_import_projects(db, path, "{\"max_rows\": -1}", &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "max_rows"));
    CHECK(query_n(db, "SELECT count(*) AS n FROM register_project") == rows);
    CHECK_RC(govreport_register_import_projects(db, path, "{\"max_rows\": 100, \"max_columns\": 20}", &r), GOVREPORT_OK);
    govreport_string_free(r);

    /* Other failures leave *summary_json NULL. */
    r = (char *)&r;
    CHECK_RC(govreport_register_import_projects(db, path, "{\"year\": 2024}", &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK(r == NULL && contains(govreport_errmsg(db), "\"year\""));
    CHECK_RC(govreport_register_import_projects(db, path, "{\"skip_bad_rows\": 1}", &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_register_import_projects(db, path, "{\"report_id\": 999}", &r), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_register_import_projects(db, path, "{", &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_register_import_projects(db, path, "\"x\"", &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK(r == NULL);
    snprintf(out_path, sizeof out_path, "%s/nope.csv", tmpdir);
    CHECK_RC(govreport_register_import_projects(db, out_path, NULL, &r), GOVREPORT_IO);
    CHECK(r == NULL);
    snprintf(out_path, sizeof out_path, "%s/register.doc", tmpdir);
    CHECK_RC(govreport_register_import_projects(db, out_path, NULL, &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "unknown register file type"));
    CHECK_RC(govreport_register_import_projects(db, "\xff.csv", NULL, &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_register_import_projects(db, NULL, NULL, &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_register_import_projects(db, path, NULL, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_register_import_projects(NULL, path, NULL, &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK(r == NULL);

    /* Progress on a register project, then the summary shows it. */
    {
        long long rp = query_n(db, "SELECT id AS n FROM register_project WHERE office_code = 'SYN-001'");
        char json[512];
        int64_t id = 0;
        CHECK(rp > 0);
        snprintf(json, sizeof json,
                 "{\"subject_kind\": \"register_project\", \"subject_id\": %lld, \"period\": \"2024-06\", "
                 "\"cumulative\": true, \"project\": {\"invested_to_date\": 1.2, \"invest_unit\": \"亿元\", "
                 "\"actual_start\": \"2024-03-10\"}}",
                 rp);
        CHECK_RC(govreport_progress_append(db, json, &id), GOVREPORT_OK);
        CHECK_RC(govreport_progress_history_json(db, "register_project", rp, &s), GOVREPORT_OK);
        CHECK(count_str(s, "\"subject_kind\":\"register_project\"") == 1);
        govreport_string_free(s);
        CHECK_RC(govreport_evaluate_projects_json(db, "2024-06", NULL, &s), GOVREPORT_OK);
        CHECK(contains(s, "合成测试项目甲") && contains(s, "\"completion_pct\":60"));
        govreport_string_free(s);
    }

    /* The register as a list; linking a row to a project of the report and unlinking it. */
    {
        long long rp = query_n(db, "SELECT id AS n FROM register_project WHERE office_code = 'SYN-003'");
        long long project = query_n(db, "SELECT id AS n FROM project WHERE report_id = 1 ORDER BY id LIMIT 1");
        char sql[256];
        CHECK(rp > 0 && project > 0);
        CHECK_RC(govreport_register_projects_json(db, 1, &s), GOVREPORT_OK);
        CHECK(s != NULL && s[0] == '[' && contains(s, "\"office_code\":\"SYN-003\"") && contains(s, "合成测试项目丙"));
        CHECK(count_str(s, "\"office_code\":") == query_n(db, "SELECT count(*) AS n FROM register_project WHERE report_id = 1"));
        govreport_string_free(s);
        snprintf(sql, sizeof sql, "SELECT count(*) AS n FROM register_project WHERE id = %lld AND report_project_id = %lld AND link_method = 'manual'", rp, project);
        CHECK_RC(govreport_register_project_link(db, rp, project), GOVREPORT_OK);
        CHECK(query_n(db, sql) == 1);
        CHECK_RC(govreport_register_project_link(db, rp, 0), GOVREPORT_OK);
        CHECK(query_n(db, sql) == 0);
        snprintf(sql, sizeof sql, "SELECT count(*) AS n FROM register_project WHERE id = %lld AND report_project_id IS NULL", rp);
        CHECK(query_n(db, sql) == 1);
        CHECK_RC(govreport_register_project_link(db, 999999, project), GOVREPORT_NOT_FOUND);
        CHECK_RC(govreport_register_project_link(db, rp, 999999), GOVREPORT_NOT_FOUND);
        CHECK(query_n(db, sql) == 1);
        CHECK_RC(govreport_register_project_link(NULL, rp, project), GOVREPORT_INVALID_ARGUMENT);
        s = (char *)&s;
        CHECK_RC(govreport_register_projects_json(db, 999, &s), GOVREPORT_NOT_FOUND);
        CHECK(s == NULL);
        CHECK_RC(govreport_register_projects_json(db, 1, NULL), GOVREPORT_INVALID_ARGUMENT);
        CHECK_RC(govreport_register_projects_json(NULL, 1, &s), GOVREPORT_INVALID_ARGUMENT);
    }

    /* Consistency report. */
    s = (char *)&s;
    CHECK_RC(govreport_register_check_json(db, &s), GOVREPORT_OK);
    CHECK(contains(s, "\"checks\":[") && contains(s, "\"metric\":\"总投资\"") && contains(s, "\"by_category\":"));
    CHECK(json_int(s, "rows") == query_n(db, "SELECT count(*) AS n FROM register_project"));
    govreport_string_free(s);
    CHECK_RC(govreport_register_check_json(db, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_register_check_json(NULL, &s), GOVREPORT_INVALID_ARGUMENT);

    /* Export, and the export imports back unchanged. */
    snprintf(out_path, sizeof out_path, "%s/export.csv", tmpdir);
    CHECK_RC(govreport_register_export_projects(db, out_path, "csv"), GOVREPORT_OK);
    CHECK(access(out_path, F_OK) == 0);
    CHECK_RC(govreport_register_import_projects(db, out_path, NULL, &r), GOVREPORT_OK);
    CHECK(json_int(r, "inserted") == 0 && json_int(r, "updated") > 3);
    govreport_string_free(r);
    snprintf(out_path, sizeof out_path, "%s/export.xlsx", tmpdir);
    {
        int32_t rc = govreport_register_export_projects(db, out_path, NULL);
        /* Without the `xlsx` feature: INVALID_ARGUMENT with a message; with it: a workbook. */
        CHECK(rc == GOVREPORT_OK ||
              (rc == GOVREPORT_INVALID_ARGUMENT && contains(govreport_errmsg(db), "xlsx")));
        r = (char *)&r;
        if (rc == GOVREPORT_OK) {
            CHECK_RC(govreport_register_import_projects(db, out_path, NULL, &r), GOVREPORT_OK);
            CHECK(json_int(r, "inserted") == 0 && json_int(r, "updated") > 3);
        } else {
            printf("note: built without the xlsx feature; XLSX refused as documented\n");
            CHECK(write_file(out_path, "not a workbook"));
            CHECK_RC(govreport_register_import_projects(db, out_path, NULL, &r), GOVREPORT_INVALID_ARGUMENT);
            CHECK(r == NULL && contains(govreport_errmsg(db), "xlsx"));
        }
        govreport_string_free(r);
    }
    snprintf(out_path, sizeof out_path, "%s/export-by-name.csv", tmpdir);
    CHECK_RC(govreport_register_export_projects(db, out_path, NULL), GOVREPORT_OK);
    CHECK_RC(govreport_register_export_projects(db, out_path, "pdf"), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "pdf"));
    CHECK_RC(govreport_register_export_projects(db, out_path, "\xff"), GOVREPORT_INVALID_ARGUMENT);
    snprintf(out_path, sizeof out_path, "%s/export.doc", tmpdir);
    CHECK_RC(govreport_register_export_projects(db, out_path, NULL), GOVREPORT_INVALID_ARGUMENT);
    snprintf(out_path, sizeof out_path, "%s/no-such-dir/export.csv", tmpdir);
    CHECK_RC(govreport_register_export_projects(db, out_path, "csv"), GOVREPORT_IO);
    CHECK_RC(govreport_register_export_projects(db, NULL, "csv"), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_register_export_projects(NULL, out_path, "csv"), GOVREPORT_INVALID_ARGUMENT);

    /* Villages. */
    snprintf(path, sizeof path, "%s/villages.csv", tmpdir);
    snprintf(bad, sizeof bad, "%s/villages_bad.csv", tmpdir);
    CHECK(write_file(path, VILLAGES_CSV) && write_file(bad, VILLAGES_BAD_CSV));
    CHECK_RC(govreport_register_import_villages(db, path, NULL, &r), GOVREPORT_OK);
    CHECK(json_int(r, "years_written") == 5 && contains(r, "\"towns_created\":[[\"410307104000\",\"缑氏镇\"]]"));
    govreport_string_free(r);
    CHECK_RC(govreport_register_import_villages(db, path, "{\"year\": 2024, \"skip_bad_rows\": false, \"report_id\": 1}", &r), GOVREPORT_OK);
    govreport_string_free(r);
    r = (char *)&r;
    CHECK_RC(govreport_register_import_villages(db, bad, NULL, &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(r, "\"column\":\"统计用区划代码\"") && contains(r, "\"row\":3,") && contains(r, "\"row\":4,"));
    govreport_string_free(r);
    r = (char *)&r;
    CHECK_RC(govreport_register_import_villages(db, path, "{\"year\": \"2024\"}", &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK(r == NULL && contains(govreport_errmsg(db), "\"year\""));
    CHECK_RC(govreport_register_import_villages(db, path, "{\"year\": 99999999999}", &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_register_import_villages(db, path, "{\"skip\": true}", &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_register_import_villages(db, path, "{\"report_id\": 999}", &r), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_register_import_villages(db, "\xff.csv", NULL, &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_register_import_villages(db, NULL, NULL, &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_register_import_villages(db, path, NULL, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_register_import_villages(NULL, path, NULL, &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK(r == NULL);

    CHECK_RC(govreport_register_village_rollup_json(db, 2024, &s), GOVREPORT_OK);
    CHECK(json_int(s, "year") == 2024 && json_int(s, "places") == 3 && contains(s, "\"lines\":["));
    CHECK(contains(s, "\"key\":\"stars_5\""));
    govreport_string_free(s);
    CHECK_RC(govreport_register_village_rollup_json(db, 2023, &s), GOVREPORT_OK);
    govreport_string_free(s);
    s = (char *)&s;
    CHECK_RC(govreport_register_village_rollup_json(db, 99999, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(s == NULL);
    CHECK_RC(govreport_register_village_rollup_json(db, -1, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_register_village_rollup_json(db, 2024, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_register_village_rollup_json(NULL, 2024, &s), GOVREPORT_INVALID_ARGUMENT);
}

/* ---- decomposition (任务分解表) -------------------------------------------------------------- */

/* The whole file as a new NUL-terminated string (free it), or NULL. */
static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long n;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        text = malloc((size_t)n + 1);
        if (text != NULL) {
            size_t got = fread(text, 1, (size_t)n, f);
            text[got] = '\0';
        }
    }
    fclose(f);
    return text;
}

/* The draft with a SYNTHETIC title line above it, and the units, leader and deadline of its
 * first three rows (目标.1–3, each with a 量化指标, so the first ",,,," is the empty unit and
 * leader cells) filled in with made-up names. */
static int write_filled(const char *draft_path, const char *out_path) {
    static const char *FILL = ",合成测试甲局,合成测试乙办、合成测试丙委,合成领导甲,";
    char *draft = read_file(draft_path);
    FILE *out;
    char *line, *save = NULL;
    int row = 0;
    if (draft == NULL)
        return 0;
    out = fopen(out_path, "wb");
    if (out == NULL) {
        free(draft);
        return 0;
    }
    fputs("SYNTHETIC 合成测试任务分解表（虚构单位，仅供测试）\n", out);
    for (line = strtok_r(draft, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save), row++) {
        char *gap = strstr(line, ",,,,");
        if (row >= 1 && row <= 3 && gap != NULL) {
            fwrite(line, 1, (size_t)(gap - line), out);
            fputs(FILL, out);
            fputs(gap + 4, out);
        } else {
            fputs(line, out);
        }
        fputc('\n', out);
    }
    fclose(out);
    free(draft);
    return row == 144;
}

static void test_decomposition(govreport_db *db, const char *tmpdir) {
    char draft[512], filled[512], bad[512], path[512];
    char *r = (char *)&r;
    char *s = NULL;
    long long tasks, units, task = -1;
    char *before;

    /* The draft: a new CSV file; an existing path is refused and left as it was. */
    snprintf(draft, sizeof draft, "%s/decomposition.csv", tmpdir);
    remove(draft);
    CHECK_RC(govreport_decomposition_draft(db, 1, draft, NULL), GOVREPORT_OK);
    before = read_file(draft);
    CHECK(before != NULL && contains(before, "序号,类别,工作任务,量化指标,牵头单位,责任单位,责任领导,完成时限"));
    CHECK(count_str(before, "\n") == 144 && contains(before, "\n一.1,（一）") && contains(before, "\n自身建设.4,"));
    CHECK_RC(govreport_decomposition_draft(db, 1, draft, "csv"), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "exists"));
    {
        char *after = read_file(draft);
        CHECK(after != NULL && before != NULL && strcmp(after, before) == 0);
        free(after);
    }
    free(before);
    snprintf(path, sizeof path, "%s/decomposition.xlsx", tmpdir);
    remove(path);
    {
        int32_t rc = govreport_decomposition_draft(db, 1, path, NULL);
        CHECK(rc == GOVREPORT_OK || (rc == GOVREPORT_INVALID_ARGUMENT && contains(govreport_errmsg(db), "xlsx")));
    }
    snprintf(path, sizeof path, "%s/decomposition.pdf", tmpdir);
    CHECK_RC(govreport_decomposition_draft(db, 1, path, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_decomposition_draft(db, 1, path, "docx"), GOVREPORT_INVALID_ARGUMENT);
    CHECK(access(path, F_OK) != 0);
    snprintf(path, sizeof path, "%s/no-such-dir/decomposition.csv", tmpdir);
    CHECK_RC(govreport_decomposition_draft(db, 1, path, "csv"), GOVREPORT_IO);
    CHECK_RC(govreport_decomposition_draft(db, 999, draft, "csv"), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_decomposition_draft(db, 1, NULL, "csv"), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_decomposition_draft(db, 1, "\xff.csv", "csv"), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_decomposition_draft(NULL, 1, draft, "csv"), GOVREPORT_INVALID_ARGUMENT);

    /* A filled table written here: one task per commitment, units and leaders as filled. */
    snprintf(filled, sizeof filled, "%s/decomposition_filled.csv", tmpdir);
    CHECK(write_filled(draft, filled));
    tasks = query_n(db, "SELECT count(*) AS n FROM task");
    units = query_n(db, "SELECT count(*) AS n FROM org_unit");
    CHECK_RC(govreport_decomposition_import(db, 1, filled, NULL, &r), GOVREPORT_OK);
    CHECK(json_int(r, "created") == 143 && json_int(r, "rows_read") == 143 && json_int(r, "header_row") == 2);
    CHECK(contains(r, "\"units_created\":[\"合成测试甲局\",\"合成测试乙办\",\"合成测试丙委\"]"));
    CHECK(contains(r, "\"source\":\"decomposition_filled.csv\"") && contains(r, "\"overwritten_edits\":[]"));
    govreport_string_free(r);
    CHECK(query_n(db, "SELECT count(*) AS n FROM task") == tasks + 143);
    CHECK(query_n(db, "SELECT count(*) AS n FROM org_unit") == units + 3);
    CHECK(query_n(db, "SELECT count(*) AS n FROM task t JOIN org_unit u ON u.id = t.lead_org_unit_id "
                      "WHERE u.name = '合成测试甲局' AND t.leader = '合成领导甲'") == 3);
    CHECK(query_n(db, "SELECT count(*) AS n FROM task_support_org_unit s JOIN task t ON t.id = s.task_id "
                      "WHERE t.commitment_id IS NOT NULL") == 6);
    CHECK_RC(govreport_tasks_json(db, &s), GOVREPORT_OK);
    CHECK(count_str(s, "\"leader\":\"合成领导甲\"") == 3 && count_str(s, "\"commitment_id\":") >= 143);
    CHECK(contains(s, "\"deadline_text\":\"年底前\"") && contains(s, "\"deadline_text\":\"6月底前\""));
    govreport_string_free(s);
    task = query_n(db, "SELECT min(id) AS n FROM task WHERE commitment_id IS NOT NULL AND leader IS NOT NULL");
    CHECK(task > 0);

    /* An edit through the API survives a re-import of the same file. */
    {
        char sql[256];
        CHECK_RC(govreport_task_update(db, task, "{\"leader\": \"合成领导编辑\", \"deadline\": \"2024-09-30\", \"notes\": \"C\"}"), GOVREPORT_OK);
        CHECK_RC(govreport_decomposition_import(db, 1, filled, "{\"max_rows\": 1000}", &r), GOVREPORT_OK);
        CHECK(json_int(r, "created") == 0 && json_int(r, "updated") == 0 && json_int(r, "unchanged") == 143);
        govreport_string_free(r);
        snprintf(sql, sizeof sql, "SELECT count(*) AS n FROM task WHERE id = %lld AND leader = '合成领导编辑' "
                                  "AND deadline = '2024-09-30' AND deadline_source = 'set' AND deadline_text IS NULL", task);
        CHECK(query_n(db, sql) == 1);
        CHECK(query_n(db, "SELECT count(*) AS n FROM task") == tasks + 143);
    }
    /* task_update's bad input changes nothing. */
    CHECK_RC(govreport_task_update(db, task, "{\"owner\": \"x\"}"), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "owner"));
    CHECK_RC(govreport_task_update(db, task, "{\"deadline\": \"2024-13-01\"}"), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_task_update(db, task, "{\"title\": \" \"}"), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_task_update(db, task, "{\"lead_unit_id\": 999999}"), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_task_update(db, task, "{"), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_task_update(db, task, "[]"), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_task_update(db, task, "\xff"), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_task_update(db, 999999, "{}"), GOVREPORT_NOT_FOUND);
    CHECK_RC(govreport_task_update(db, task, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_task_update(NULL, task, "{}"), GOVREPORT_INVALID_ARGUMENT);
    CHECK(query_n(db, "SELECT count(*) AS n FROM task WHERE leader = '合成领导编辑'") == 1);

    /* A bad file: every problem as JSON, nothing written. */
    snprintf(bad, sizeof bad, "%s/decomposition_bad.csv", tmpdir);
    CHECK(write_file(bad, "SYNTHETIC 合成坏表\n"
                          "序号,工作任务,牵头单位,完成时限\n"
                          "十一.1,SYNTHETIC 不存在的任务,合成测试丁局,年底前\n"
                          "目标.1,地区生产总值增长6%左右,合成测试丁局,尽快\n"
                          "目标.2,规模以上工业增加值增长7%左右,合成测试丁局,2031年底前\n"));
    r = (char *)&r;
    CHECK_RC(govreport_decomposition_import(db, 1, bad, NULL, &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK(r != NULL && contains(r, "\"source\":\"decomposition_bad.csv\"") && contains(r, "\"problems\":["));
    CHECK(contains(r, "\"row\":3,\"column\":\"序号\",\"value\":\"十一.1\",\"kind\":\"bad_value\""));
    CHECK(contains(r, "\"row\":4,\"column\":\"完成时限\",\"value\":\"尽快\",\"kind\":\"bad_date\""));
    CHECK(contains(r, "\"row\":5,\"column\":\"完成时限\",\"value\":\"2031年底前\""));
    govreport_string_free(r);
    CHECK(contains(govreport_errmsg(db), "nothing imported"));
    CHECK(query_n(db, "SELECT count(*) AS n FROM task") == tasks + 143);
    CHECK(query_n(db, "SELECT count(*) AS n FROM org_unit WHERE name = '合成测试丁局'") == 0);

    /* Other failures leave *summary_json NULL. */
    r = (char *)&r;
    CHECK_RC(govreport_decomposition_import(db, 999, filled, NULL, &r), GOVREPORT_NOT_FOUND);
    CHECK(r == NULL);
    CHECK_RC(govreport_decomposition_import(db, 1, filled, "{\"max_rows\": 2}", &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK(r == NULL && contains(govreport_errmsg(db), "max_rows = 2"));
    CHECK_RC(govreport_decomposition_import(db, 1, filled, "{\"skip_bad_rows\": true}", &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "skip_bad_rows"));
    CHECK_RC(govreport_decomposition_import(db, 1, filled, "{", &r), GOVREPORT_INVALID_ARGUMENT);
    snprintf(path, sizeof path, "%s/nope.csv", tmpdir);
    CHECK_RC(govreport_decomposition_import(db, 1, path, NULL, &r), GOVREPORT_IO);
    snprintf(path, sizeof path, "%s/decomposition.doc", tmpdir);
    CHECK_RC(govreport_decomposition_import(db, 1, path, NULL, &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_decomposition_import(db, 1, "\xff.csv", NULL, &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_decomposition_import(db, 1, NULL, NULL, &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_decomposition_import(db, 1, filled, NULL, NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_decomposition_import(NULL, 1, filled, NULL, &r), GOVREPORT_INVALID_ARGUMENT);
    CHECK(r == NULL);
    CHECK(query_n(db, "SELECT count(*) AS n FROM task") == tasks + 143);
}

/* Every write on a read-only handle is GOVREPORT_READONLY and changes nothing; reads work. */
static void test_readonly(const char *dbpath, const char *tmpdir) {
    govreport_db *db = NULL;
    int64_t id = 77;
    char *s = NULL;
    char path[512];
    long long progress;
    CHECK_RC(govreport_open(dbpath, GOVREPORT_OPEN_READONLY, &db), GOVREPORT_OK);
    if (db == NULL)
        return;
    progress = query_n(db, "SELECT count(*) AS n FROM progress");
    CHECK_RC(govreport_org_unit_add(db, "{\"name\": \"只读单位\"}", &id), GOVREPORT_READONLY);
    CHECK(id == 0);
    CHECK_RC(govreport_task_add(db, "{\"title\": \"只读任务\"}", &id), GOVREPORT_READONLY);
    CHECK_RC(govreport_target_decompose(db, 10, "[{\"title\": \"只读\"}]", &s), GOVREPORT_READONLY);
    CHECK(s == NULL);
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-07\", \"value\": 1, \"unit\": \"人\"}", &id), GOVREPORT_READONLY);
    CHECK_RC(govreport_progress_append_batch(db, "[{\"subject_kind\": \"target\", \"subject_id\": 10, \"period\": \"2024-07\", \"value\": 1, \"unit\": \"人\"}]", &id), GOVREPORT_READONLY);
    snprintf(path, sizeof path, "%s/projects.csv", tmpdir);
    CHECK_RC(govreport_register_import_projects(db, path, NULL, &s), GOVREPORT_READONLY);
    CHECK(s == NULL);
    snprintf(path, sizeof path, "%s/villages.csv", tmpdir);
    CHECK_RC(govreport_register_import_villages(db, path, NULL, &s), GOVREPORT_READONLY);
    CHECK(query_n(db, "SELECT count(*) AS n FROM progress") == progress);
    snprintf(path, sizeof path, "%s/decomposition_filled.csv", tmpdir);
    CHECK_RC(govreport_decomposition_import(db, 1, path, NULL, &s), GOVREPORT_READONLY);
    CHECK(s == NULL);
    CHECK_RC(govreport_task_update(db, 1, "{\"notes\": \"只读\"}"), GOVREPORT_READONLY);
    /* Drafting reads the database only: it works on a read-only handle. */
    snprintf(path, sizeof path, "%s/decomposition_readonly.csv", tmpdir);
    remove(path);
    CHECK_RC(govreport_decomposition_draft(db, 1, path, "csv"), GOVREPORT_OK);
    CHECK(access(path, F_OK) == 0);
    CHECK_RC(govreport_evaluate_targets_json(db, "2024-06", NULL, &s), GOVREPORT_OK);
    govreport_string_free(s);
    CHECK_RC(govreport_evaluate_commitments_json(db, "2024-06", NULL, &s), GOVREPORT_OK);
    govreport_string_free(s);
    CHECK_RC(govreport_light_history_json(db, "commitment", 11, "2024-01", "2024-06", NULL, &s), GOVREPORT_OK);
    CHECK(count_str(s, "{\"period\":") == 6);
    govreport_string_free(s);
    CHECK_RC(govreport_progress_append(db, "{\"subject_kind\": \"commitment\", \"subject_id\": 11, \"period\": \"2024-07\", \"work_status\": \"done\"}", &id), GOVREPORT_READONLY);
    CHECK_RC(govreport_search_json(db, "就业", "{\"limit\": 1}", &s), GOVREPORT_OK);
    CHECK(count_str(s, "\"kind\":") == 1);
    govreport_string_free(s);
    CHECK_RC(govreport_rebuild_search_index(db), GOVREPORT_READONLY);
    CHECK(contains(govreport_last_error_message(), "read"));
    govreport_close(db);
}

/* ---- the bulletin ---------------------------------------------------------------------------- */

static void test_bulletin(govreport_db *db, const char *tmpdir) {
    char *s = (char *)&s;
    char html[512], docx[512], pdf[512];
    FILE *f;
    char magic[2] = {0, 0};
    snprintf(html, sizeof html, "%s/bulletin.html", tmpdir);
    snprintf(docx, sizeof docx, "%s/bulletin.docx", tmpdir);
    snprintf(pdf, sizeof pdf, "%s/bulletin.pdf", tmpdir);
    remove(html);
    remove(docx);
    CHECK_RC(govreport_bulletin_json(db, "2024-06", NULL, &s), GOVREPORT_OK);
    CHECK(contains(s, "项任务中的") && contains(s, "\"lagging\":[") && contains(s, "\"areas\":["));
    govreport_string_free(s);
    CHECK_RC(govreport_bulletin_json(db, "2024-06", "{\"known_at\": \"2024-01-01\"}", &s), GOVREPORT_OK);
    govreport_string_free(s);
    s = (char *)&s;
    CHECK_RC(govreport_bulletin_json(db, "2024-13", NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK(s == NULL);
    CHECK_RC(govreport_bulletin_json(db, "2024-06", "{\"colour\": 1}", &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_bulletin_json(db, NULL, NULL, &s), GOVREPORT_INVALID_ARGUMENT);
    CHECK_RC(govreport_bulletin_json(NULL, "2024-06", NULL, &s), GOVREPORT_INVALID_ARGUMENT);

    CHECK_RC(govreport_bulletin_write(db, "2024-06", NULL, html), GOVREPORT_OK);
    CHECK_RC(govreport_bulletin_write(db, "2024-06", NULL, html), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_errmsg(db), "exists"));
    CHECK_RC(govreport_bulletin_write(db, "2024-06", NULL, docx), GOVREPORT_OK);
    f = fopen(docx, "rb");
    CHECK(f != NULL && fread(magic, 1, 2, f) == 2 && magic[0] == 'P' && magic[1] == 'K');
    if (f)
        fclose(f);
    CHECK_RC(govreport_bulletin_write(db, "2024-06", NULL, pdf), GOVREPORT_INVALID_ARGUMENT);
    f = fopen(pdf, "rb");
    CHECK(f == NULL);
    if (f)
        fclose(f);
    CHECK_RC(govreport_bulletin_write(db, "2024-06", NULL, "/nonexistent-dir/b.html"), GOVREPORT_IO);
    CHECK_RC(govreport_bulletin_write(db, "2024-06", NULL, NULL), GOVREPORT_INVALID_ARGUMENT);
    remove(html);
    remove(docx);
}

/* ---- rebuilding the search index ------------------------------------------------------------ */

static void test_rebuild_search_index(govreport_db *db) {
    char *s = NULL;
    CHECK_RC(govreport_rebuild_search_index(NULL), GOVREPORT_INVALID_ARGUMENT);
    CHECK(contains(govreport_last_error_message(), "db"));
    CHECK_RC(govreport_rebuild_search_index(db), GOVREPORT_OK);
    /* The rebuilt index finds what it found before, through the library and through SQL. */
    CHECK_RC(govreport_search_json(db, "乡村振兴", "{\"kinds\": [\"paragraph\"]}", &s), GOVREPORT_OK);
    CHECK(count_str(s, "\"kind\":") == 7);
    govreport_string_free(s);
    CHECK(query_n(db, "SELECT count(*) AS n FROM search_index s JOIN search_document d ON d.key = s.rowid "
                      "WHERE search_index MATCH govreport_search_expr('乡村振兴') AND d.kind = 'paragraph'") == 7);
}

int main(int argc, char **argv) {
    govreport_db *db = NULL;
    const char *tmpdir = argc > 1 ? argv[1] : "/tmp";
    char dbpath[512];
    int64_t task = 0;

    /* Search on the built-in database (in memory). */
    CHECK_RC(govreport_open_default(&db), GOVREPORT_OK);
    if (db == NULL)
        return 1;
    test_search(db);
    govreport_close(db);

    /* Writes on a new file. */
    snprintf(dbpath, sizeof dbpath, "%s/tracking.db", tmpdir);
    remove(dbpath);
    CHECK_RC(govreport_open(dbpath, GOVREPORT_OPEN_CREATE, &db), GOVREPORT_OK);
    if (db == NULL) {
        fprintf(stderr, "cannot create %s: %s\n", dbpath, govreport_last_error_message());
        return 1;
    }
    test_units_and_tasks(db, &task);
    test_progress(db, task);
    test_evaluation(db);
    test_commitments_and_lights(db);
    test_threads(db);
    test_registers(db, tmpdir);
    test_decomposition(db, tmpdir);
    test_rebuild_search_index(db);
    test_bulletin(db, tmpdir);
    govreport_close(db);

    /* Reopened: everything was committed; read-only refuses writes. */
    CHECK_RC(govreport_open(dbpath, GOVREPORT_OPEN_READWRITE, &db), GOVREPORT_OK);
    CHECK(history_count(db, "target", 10) == 3);
    govreport_close(db);
    test_readonly(dbpath, tmpdir);

    printf("tracking: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
