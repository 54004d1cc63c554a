// List the 2024 headline targets of the Yanshi report from C++17, then show an error on purpose.
//
//   cargo build --release && make -C examples/c && ./examples/c/build/headline_cpp
#include <govreport.h>

#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

namespace gr {

struct DbClose {
    void operator()(govreport_db *db) const noexcept { govreport_close(db); }
};
struct CursorFree {
    void operator()(govreport_cursor *c) const noexcept { govreport_cursor_free(c); }
};

// An error from govreport: the code (stable) and the message (for people).
struct Error : std::runtime_error {
    int32_t code;
    Error(int32_t c, const std::string &msg) : std::runtime_error(msg), code(c) {}
};

class Db {
  public:
    Db() {
        govreport_db *db = nullptr;
        int32_t rc = govreport_open_default(&db);
        if (rc != GOVREPORT_OK) throw Error(rc, govreport_last_error_message());
        db_.reset(db);
    }
    // Runs read-only SQL; returns the rows as JSON text.
    std::string query_json(const char *sql, const char *params = nullptr) const {
        char *out = nullptr;
        int32_t rc = govreport_query_json(db_.get(), sql, params, &out);
        if (rc != GOVREPORT_OK) throw Error(rc, govreport_errmsg(db_.get()));
        std::string json(out);
        govreport_string_free(out);
        return json;
    }
    std::unique_ptr<govreport_cursor, CursorFree> cursor(const char *sql) const {
        govreport_cursor *c = nullptr;
        int32_t rc = govreport_query_cursor(db_.get(), sql, nullptr, &c);
        if (rc != GOVREPORT_OK) throw Error(rc, govreport_errmsg(db_.get()));
        return std::unique_ptr<govreport_cursor, CursorFree>(c);
    }

  private:
    std::unique_ptr<govreport_db, DbClose> db_;
};

}  // namespace gr

int main() {
    const char *sql =
        "SELECT id, metric, value, unit, qualifier FROM figure "
        "WHERE kind = 'target' AND area IS NULL ORDER BY id";
    try {
        gr::Db db;
        std::string json = db.query_json(sql);
        std::cout << "headline targets as JSON (" << json.size() << " bytes)\n";
        auto cur = db.cursor(sql);
        while (govreport_cursor_step(cur.get()) == GOVREPORT_ROW) {
            int64_t id = 0;
            double value = 0;
            const char *metric = nullptr, *unit = nullptr;
            govreport_cursor_column_int64(cur.get(), 0, &id);
            govreport_cursor_column_text(cur.get(), 1, &metric);
            govreport_cursor_column_double(cur.get(), 2, &value);
            govreport_cursor_column_text(cur.get(), 3, &unit);
            std::cout << id << "  " << metric << " " << value << unit << "\n";
        }
        db.query_json("SELECT * FROM no_such_table");  // throws on purpose
    } catch (const gr::Error &e) {
        std::cout << "error on purpose: code " << e.code << " (" << govreport_errstr(e.code)
                  << "): " << e.what() << "\n";
    }
    return 0;
}
