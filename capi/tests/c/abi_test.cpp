// The header from C++17: included twice, extern "C" linkage, RAII wrappers a Qt/C++ desktop
// application would write. Built and run by tests/c_abi.rs.
#include "govreport.h"
#include "govreport.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

struct DbCloser {
    void operator()(govreport_db *db) const noexcept { govreport_close(db); }
};
struct StringFree {
    void operator()(char *s) const noexcept { govreport_string_free(s); }
};
struct CursorFree {
    void operator()(govreport_cursor *c) const noexcept { govreport_cursor_free(c); }
};
using Db = std::unique_ptr<govreport_db, DbCloser>;
using String = std::unique_ptr<char, StringFree>;
using Cursor = std::unique_ptr<govreport_cursor, CursorFree>;

int failures = 0;

void check(bool ok, const char *what, int line) {
    if (!ok) {
        ++failures;
        std::fprintf(stderr, "FAIL line %d: %s (%s)\n", line, what, govreport_last_error_message());
    }
}
#define CHECK(c) check((c), #c, __LINE__)

String query(govreport_db *db, const char *sql, const char *params, int32_t *rc) {
    char *out = nullptr;
    *rc = govreport_query_json(db, sql, params, &out);
    return String(out);
}

}  // namespace

int main() {
    static_assert(GOVREPORT_OK == 0, "result codes never change");
    static_assert(GOVREPORT_DONE == 101, "result codes never change");
    CHECK(govreport_version_number() == GOVREPORT_VERSION_NUMBER);
    CHECK(std::string(govreport_version()) == std::to_string(GOVREPORT_VERSION_MAJOR) + "." +
                                                  std::to_string(GOVREPORT_VERSION_MINOR) + "." +
                                                  std::to_string(GOVREPORT_VERSION_PATCH));

    govreport_db *raw = nullptr;
    CHECK(govreport_open_default(&raw) == GOVREPORT_OK);
    Db db(raw);

    int32_t rc = -1;
    String headline = query(db.get(),
                            "SELECT id, metric, value, unit, qualifier FROM figure "
                            "WHERE kind = 'target' AND area IS NULL ORDER BY id",
                            nullptr, &rc);
    CHECK(rc == GOVREPORT_OK && headline && headline.get()[0] == '[');

    String refused = query(db.get(), "DROP TABLE figure", nullptr, &rc);
    CHECK(rc == GOVREPORT_READONLY && !refused);
    CHECK(std::strstr(govreport_errmsg(db.get()), "read-only") != nullptr);

    // Threads sharing the handle, each with its own cursors.
    std::vector<std::thread> threads;
    std::vector<int> rows(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 10; ++i) {
                govreport_cursor *c = nullptr;
                if (govreport_query_cursor(db.get(), "SELECT id, title FROM section", nullptr, &c) !=
                    GOVREPORT_OK)
                    return;
                Cursor cur(c);
                while (govreport_cursor_step(cur.get()) == GOVREPORT_ROW) ++rows[t];
            }
        });
    }
    for (auto &t : threads) t.join();
    for (int t = 1; t < 4; ++t) CHECK(rows[t] == rows[0] && rows[0] > 0);

    // A cursor that outlives its handle.
    govreport_cursor *c = nullptr;
    CHECK(govreport_query_cursor(db.get(), "SELECT metric FROM figure ORDER BY id LIMIT 3", nullptr,
                                 &c) == GOVREPORT_OK);
    Cursor cur(c);
    db.reset();
    int n = 0;
    while (govreport_cursor_step(cur.get()) == GOVREPORT_ROW) {
        const char *text = nullptr;
        CHECK(govreport_cursor_column_text(cur.get(), 0, &text) == GOVREPORT_OK && text);
        ++n;
    }
    CHECK(n == 3);
    cur.reset();

    std::printf("c++_abi: %d failures\n", failures);
    return failures == 0 ? 0 : 1;
}
