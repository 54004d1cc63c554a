// List the 2024 headline targets of the Yanshi report from C++17 with the header-only wrapper
// include/govreport.hpp, search as a GUI would, then show an error on purpose.
//
//   make install PREFIX=$HOME/.local     (in the source tree; see README "Using from C/C++")
//   c++ -std=c++17 headline.cpp $(pkg-config --cflags --libs govreport) -Wl,-rpath,…
//   make -C examples/c && ./examples/c/build/headline_cpp    (against the in-tree build)
#include <govreport.hpp>

#include <iostream>
#include <string>

int main() {
    const std::string sql =
        "SELECT id, metric, value, unit, qualifier FROM figure "
        "WHERE kind = 'target' AND area IS NULL ORDER BY id";
    try {
        auto db = govreport::Database::open_default();
        std::cout << "govreport " << govreport::version() << ", schema " << db.schema_version()
                  << "\n";
        std::string json = db.query_json(sql);
        std::cout << "headline targets as JSON (" << json.size() << " bytes)\n";

        auto cur = db.query_cursor(sql);
        while (cur.step()) {
            std::cout << cur.column_int64(0) << "  " << cur.column_text(1).value_or("") << " "
                      << cur.column_double(2) << cur.column_text(3).value_or("")
                      << (cur.column_text(4) ? " " + *cur.column_text(4) : "") << "\n";
        }

        // Search as you type: a blank box is no hits, not an error; a hit opens by (kind, id).
        std::cout << "blank search: " << db.search_json("  ") << "\n";
        std::string hits = db.search_json("二里头", R"({"limit": 1, "order": "index"})");
        std::cout << "first hit: " << hits.substr(0, 80) << "\n";

        db.query_json("SELECT * FROM no_such_table");  // throws on purpose
    } catch (const govreport::Error &e) {
        std::cout << "error on purpose: code " << e.code() << " (" << e.code_name()
                  << "), extended " << e.extended_code() << ": " << e.what() << "\n";
    }
    return 0;
}
