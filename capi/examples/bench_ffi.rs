//! The C ABI against Rust and SQLite's own C API, in one run.
//!
//! ```sh
//! cargo run --release -p govreport-capi --example bench_ffi
//! ```
//!
//! The C ABI is called as a C program calls it: through the exported symbols of the built
//! `libgovreport.so` (the example runs `cargo build -p govreport-capi` of its own profile first, then
//! `dlopen`s the library and looks the functions up with `dlsym`; a C program linked with
//! `-lgovreport` goes through the same kind of indirect call, its PLT). The C crate has no rlib,
//! so the example cannot call the functions as Rust items — and should not: that would measure
//! something a C caller never runs.
//!
//! 1. Point lookup: one target by id as JSON — `govreport_target_json` (C ABI), the Rust API
//!    (`Db::target` + serde), a held rusqlite statement + JSON, and SQLite's C API with a held
//!    statement (step only, and step + writing the same JSON).
//! 2. A 100-row, 8-column list — `govreport_query_json`, the cursor (reading every column),
//!    `Db::query_json`, raw stepping, and raw stepping + writing the same JSON.
//!
//! Each figure is the median of 7 runs of a timed loop, in µs per operation (`-- --quick`:
//! 1/100 of the iterations, as the tests run it).

use std::ffi::{CStr, CString, c_char};
use std::hint::black_box;
use std::io::Write as _;
use std::ptr;
use std::time::Instant;

use govreport::Db;
use rusqlite::ffi as sq;

use c::*;

/// The C ABI, loaded from `target/<profile>/libgovreport.so`: one `unsafe fn` per C function
/// used here, with the C name, calling through the pointer `dlsym` gave.
#[allow(non_camel_case_types)]
mod c {
    use std::ffi::{CString, c_char, c_int, c_void};
    use std::sync::OnceLock;

    /// `struct govreport_db` (opaque).
    #[repr(C)]
    pub struct govreport_db {
        _opaque: [u8; 0],
    }
    /// `struct govreport_cursor` (opaque).
    #[repr(C)]
    pub struct govreport_cursor {
        _opaque: [u8; 0],
    }

    pub const GOVREPORT_OK: i32 = 0;
    pub const GOVREPORT_ROW: i32 = 100;
    pub const GOVREPORT_TYPE_INTEGER: i32 = 1;
    pub const GOVREPORT_TYPE_FLOAT: i32 = 2;

    unsafe extern "C" {
        fn dlopen(filename: *const c_char, flags: c_int) -> *mut c_void;
        fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
        fn dlerror() -> *const c_char;
    }
    const RTLD_NOW: c_int = 2;

    /// The loaded library (built first, so that the figures are for the current code).
    fn library() -> *mut c_void {
        static LIB: OnceLock<usize> = OnceLock::new();
        *LIB.get_or_init(|| {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("capi/ is inside the repository");
            // The library of this example's own profile (target/<profile>/), built now.
            let profile_dir = std::env::current_exe()
                .expect("current_exe")
                .parent()
                .and_then(|d| d.parent())
                .expect("target/<profile>/examples")
                .to_path_buf();
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let mut build = std::process::Command::new(cargo);
            build
                .args(["build", "-p", "govreport-capi", "--lib"])
                .current_dir(root);
            if profile_dir.file_name().is_some_and(|n| n == "release") {
                build.arg("--release");
            }
            let status = build.status().expect("running cargo build");
            assert!(status.success(), "cargo build -p govreport-capi failed");
            let path = profile_dir.join("libgovreport.so");
            let c = CString::new(path.to_str().expect("UTF-8 path")).unwrap();
            // SAFETY: `c` is a NUL-terminated path; dlopen has no other precondition.
            let lib = unsafe { dlopen(c.as_ptr(), RTLD_NOW) };
            if lib.is_null() {
                // SAFETY: dlerror returns a NUL-terminated message after a failed dlopen.
                let why = unsafe { std::ffi::CStr::from_ptr(dlerror()) };
                panic!("cannot load {}: {why:?}", path.display());
            }
            lib as usize
        }) as *mut c_void
    }

    /// The address of an exported function.
    fn symbol(name: &str) -> *mut c_void {
        let c = CString::new(name).unwrap();
        // SAFETY: the library is loaded (never unloaded); `c` is NUL-terminated.
        let p = unsafe { dlsym(library(), c.as_ptr()) };
        assert!(!p.is_null(), "{name} is not exported");
        p
    }

    /// `pub unsafe fn NAME(args) -> ret`, calling the exported C function NAME.
    macro_rules! c_fns {
        ($(fn $name:ident($($a:ident: $t:ty),*) $(-> $r:ty)?;)*) => {$(
            pub unsafe fn $name($($a: $t),*) $(-> $r)? {
                static F: OnceLock<usize> = OnceLock::new();
                let f = *F.get_or_init(|| symbol(stringify!($name)) as usize);
                // SAFETY: the symbol is the C function of this name, whose prototype in
                // include/govreport.h is the one written here.
                unsafe {
                    let f: unsafe extern "C" fn($($t),*) $(-> $r)? = std::mem::transmute(f);
                    f($($a),*)
                }
            }
        )*};
    }

    c_fns! {
        fn govreport_open_default(out: *mut *mut govreport_db) -> i32;
        fn govreport_close(db: *mut govreport_db);
        fn govreport_string_free(s: *mut c_char);
        fn govreport_target_json(db: *const govreport_db, id: i64, out: *mut *mut c_char) -> i32;
        fn govreport_query_json(
            db: *const govreport_db,
            sql: *const c_char,
            params: *const c_char,
            out: *mut *mut c_char
        ) -> i32;
        fn govreport_query_cursor(
            db: *const govreport_db,
            sql: *const c_char,
            params: *const c_char,
            out: *mut *mut govreport_cursor
        ) -> i32;
        fn govreport_cursor_step(cur: *mut govreport_cursor) -> i32;
        fn govreport_cursor_column_count(cur: *const govreport_cursor) -> i32;
        fn govreport_cursor_column_type(cur: *const govreport_cursor, col: i32, out: *mut i32)
            -> i32;
        fn govreport_cursor_column_int64(cur: *const govreport_cursor, col: i32, out: *mut i64)
            -> i32;
        fn govreport_cursor_column_double(cur: *const govreport_cursor, col: i32, out: *mut f64)
            -> i32;
        fn govreport_cursor_column_text(
            cur: *const govreport_cursor,
            col: i32,
            out: *mut *const c_char
        ) -> i32;
        fn govreport_cursor_free(cur: *mut govreport_cursor);
    }
}

const POINT_SQL: &str = "SELECT f.id, f.kind, f.year, f.area, f.section_id, f.paragraph_id, \
     f.metric, f.value, f.written, f.unit, f.qualifier, f.comparator, f.measure, f.base_value, \
     f.base_unit, f.deadline, f.deadline_text, f.quote, s.path AS section_path \
     FROM figure f JOIN section s ON s.id = f.section_id WHERE f.kind = ?1 AND f.id = ?2";

/// The same row with the section path as a correlated subquery instead of a join: a
/// statement whose plan does not depend on its parameters, so SQLite does not recompile it
/// when rusqlite's statement cache clears its bindings (see BENCHMARKS.md).
const POINT_SQL_SUBQUERY: &str = "SELECT f.id, f.kind, f.year, f.area, f.section_id, \
     f.paragraph_id, f.metric, f.value, f.written, f.unit, f.qualifier, f.comparator, f.measure, \
     f.base_value, f.base_unit, f.deadline, f.deadline_text, f.quote, \
     (SELECT path FROM section s WHERE s.id = f.section_id) AS section_path \
     FROM figure f WHERE f.kind = ?1 AND f.id = ?2";

const LIST_SQL: &str = "SELECT id, kind, metric, value, unit, qualifier, comparator, measure \
     FROM figure ORDER BY kind, id LIMIT 100";

/// `--quick` (the test suite runs the example so): 1/100 of the iterations, a smoke test
/// whose figures mean nothing.
fn quick() -> bool {
    std::env::args().any(|a| a == "--quick")
}

/// Median µs per call of `f` over 7 runs of `iters` calls.
fn bench(iters: u32, mut f: impl FnMut()) -> f64 {
    let iters = if quick() { (iters / 100).max(1) } else { iters };
    for _ in 0..iters / 10 + 1 {
        f();
    }
    let mut runs: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                f();
            }
            t.elapsed().as_secs_f64() * 1e6 / f64::from(iters)
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    runs[3]
}

/// Appends a JSON string (the escaping a hand-written C program would do).
fn push_str(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &b in s {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..=0x1f => {
                let _ = write!(out, "\\u{b:04x}");
            }
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

/// Writes the current row of a raw statement as a JSON object.
///
/// # Safety
/// `st` must be a live statement with a current row; `keys` its column keys.
unsafe fn raw_row_json(st: *mut sq::sqlite3_stmt, keys: &[Vec<u8>], out: &mut Vec<u8>) {
    out.push(b'{');
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(key);
        let i = i as i32;
        // SAFETY: the caller's contract; column i exists.
        unsafe {
            match sq::sqlite3_column_type(st, i) {
                sq::SQLITE_INTEGER => {
                    let _ = write!(out, "{}", sq::sqlite3_column_int64(st, i));
                }
                sq::SQLITE_FLOAT => {
                    let _ = write!(out, "{:?}", sq::sqlite3_column_double(st, i));
                }
                sq::SQLITE_TEXT => {
                    let p = sq::sqlite3_column_text(st, i);
                    let n = sq::sqlite3_column_bytes(st, i) as usize;
                    push_str(out, std::slice::from_raw_parts(p, n));
                }
                _ => out.extend_from_slice(b"null"),
            }
        }
    }
    out.push(b'}');
}

/// Prepares a statement on a raw connection, and its `"name":` keys.
///
/// # Safety
/// `conn` must be an open connection.
unsafe fn raw_prepare(conn: *mut sq::sqlite3, sql: &str) -> (*mut sq::sqlite3_stmt, Vec<Vec<u8>>) {
    let c = CString::new(sql).unwrap();
    let mut st = ptr::null_mut();
    // SAFETY: `conn` is open; `c` is NUL-terminated.
    unsafe {
        assert_eq!(
            sq::sqlite3_prepare_v3(
                conn,
                c.as_ptr(),
                -1,
                sq::SQLITE_PREPARE_PERSISTENT,
                &mut st,
                ptr::null_mut()
            ),
            sq::SQLITE_OK
        );
        let keys = (0..sq::sqlite3_column_count(st))
            .map(|i| {
                let mut k = Vec::new();
                push_str(
                    &mut k,
                    CStr::from_ptr(sq::sqlite3_column_name(st, i)).to_bytes(),
                );
                k.push(b':');
                k
            })
            .collect();
        (st, keys)
    }
}

fn main() {
    let ids: Vec<i64> = {
        let db = Db::open_default().unwrap();
        let mut st = db
            .connection()
            .prepare("SELECT id FROM figure WHERE kind = 'target' ORDER BY id")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let ids: &[i64] = &ids;
    let n = ids.len();
    println!("{n} targets; point lookups cycle through all of them\n");

    // --- C ABI handle ---
    let mut h = ptr::null_mut();
    // SAFETY: valid out pointer.
    assert_eq!(unsafe { govreport_open_default(&mut h) }, GOVREPORT_OK);
    // --- Rust and raw on their own connection (same data) ---
    let db = Db::open_default().unwrap();
    // SAFETY: the connection outlives every use below; single-threaded.
    let conn = unsafe { db.connection().handle() };

    // 1. Point lookups.
    let mut k = 0usize;
    let mut next = || {
        k = (k + 1) % n;
        ids[k]
    };
    let c_abi = bench(20_000, || {
        let mut out = ptr::null_mut();
        // SAFETY: `h` is open; `out` is freed with govreport_string_free.
        unsafe {
            assert_eq!(govreport_target_json(h, next(), &mut out), GOVREPORT_OK);
            black_box(out);
            govreport_string_free(out);
        }
    });
    let mut next = {
        let mut k = 0usize;
        move || {
            k = (k + 1) % n;
            ids[k]
        }
    };
    let mut via_query_json = |sql: &str| {
        let sql = CString::new(sql).unwrap();
        bench(20_000, || {
            let mut out = ptr::null_mut();
            let params = CString::new(format!("[\"target\",{}]", next())).unwrap();
            // SAFETY: as above.
            unsafe {
                assert_eq!(
                    govreport_query_json(h, sql.as_ptr(), params.as_ptr(), &mut out),
                    GOVREPORT_OK
                );
                black_box(out);
                govreport_string_free(out);
            }
        })
    };
    let c_abi_sql = via_query_json(POINT_SQL);
    let c_abi_sql_subquery = via_query_json(POINT_SQL_SUBQUERY);
    let mut next = {
        let mut k = 0usize;
        move || {
            k = (k + 1) % n;
            ids[k]
        }
    };
    let rust_cached = |sql: &'static str, next: &mut dyn FnMut() -> i64| {
        bench(20_000, || {
            let mut st = db.connection().prepare_cached(sql).unwrap();
            let keys = govreport::query::column_keys(&st);
            let mut rows = st.query(rusqlite::params!["target", next()]).unwrap();
            let row = rows.next().unwrap().unwrap();
            let mut out = Vec::with_capacity(512);
            out.push(b'{');
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(key);
                govreport::query::write_json_value(&mut out, row.get_ref(i).unwrap());
            }
            out.push(b'}');
            black_box(out);
        })
    };
    let rust_cached_join = rust_cached(POINT_SQL, &mut next);
    let rust_cached_subquery = rust_cached(POINT_SQL_SUBQUERY, &mut next);
    let rust_api = bench(20_000, || {
        let f = db.target(next()).unwrap();
        black_box(serde_json::to_vec(&f).unwrap());
    });
    let rust_held = {
        let mut st = db.connection().prepare(POINT_SQL).unwrap();
        let keys = govreport::query::column_keys(&st);
        bench(20_000, || {
            let mut rows = st.query(rusqlite::params!["target", next()]).unwrap();
            let row = rows.next().unwrap().unwrap();
            let mut out = Vec::with_capacity(512);
            out.push(b'{');
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(key);
                govreport::query::write_json_value(&mut out, row.get_ref(i).unwrap());
            }
            out.push(b'}');
            black_box(out);
        })
    };
    // SAFETY: `conn` is open and used by this thread only.
    let (st, keys) = unsafe { raw_prepare(conn, POINT_SQL) };
    let target = c"target";
    let raw_point = |json: bool, id: i64| {
        // SAFETY: `st` is live; parameters exist; reset after use.
        unsafe {
            sq::sqlite3_bind_text(st, 1, target.as_ptr(), 6, None);
            sq::sqlite3_bind_int64(st, 2, id);
            assert_eq!(sq::sqlite3_step(st), sq::SQLITE_ROW);
            if json {
                let mut out = Vec::with_capacity(512);
                raw_row_json(st, &keys, &mut out);
                black_box(out);
            } else {
                for i in 0..19 {
                    black_box(sq::sqlite3_column_type(st, i));
                    black_box(sq::sqlite3_column_text(st, i));
                }
            }
            sq::sqlite3_reset(st);
        }
    };
    let raw_step = bench(20_000, || raw_point(false, next()));
    let raw_json = bench(20_000, || raw_point(true, next()));
    // SAFETY: finalized once.
    unsafe { sq::sqlite3_finalize(st) };

    println!("## point lookup: one target by id, 19 columns, as JSON (µs per lookup)");
    println!("| path | µs | vs raw step+JSON |");
    println!("|---|---|---|");
    for (name, v) in [
        (
            "SQLite C API, held statement, step + read columns (no JSON)",
            raw_step,
        ),
        (
            "SQLite C API, held statement, step + write the same JSON",
            raw_json,
        ),
        ("rusqlite held statement + write JSON", rust_held),
        (
            "rusqlite `prepare_cached` every call + write JSON (join)",
            rust_cached_join,
        ),
        (
            "rusqlite `prepare_cached` every call + write JSON (subquery)",
            rust_cached_subquery,
        ),
        ("Rust API `Db::target` + serde_json", rust_api),
        (
            "C ABI `govreport_target_json` + `govreport_string_free`",
            c_abi,
        ),
        ("C ABI `govreport_query_json` (same SQL, join)", c_abi_sql),
        (
            "C ABI `govreport_query_json` (subquery SQL)",
            c_abi_sql_subquery,
        ),
    ] {
        println!("| {name} | {v:.2} | {:.2}x |", v / raw_json);
    }

    // 2. 100-row list.
    let sql = CString::new(LIST_SQL).unwrap();
    let list_json = bench(2_000, || {
        let mut out = ptr::null_mut();
        // SAFETY: as above.
        unsafe {
            assert_eq!(
                govreport_query_json(h, sql.as_ptr(), ptr::null(), &mut out),
                GOVREPORT_OK
            );
            black_box(out);
            govreport_string_free(out);
        }
    });
    let list_cursor = bench(2_000, || {
        let mut cur = ptr::null_mut();
        // SAFETY: as above; the cursor is freed.
        unsafe {
            assert_eq!(
                govreport_query_cursor(h, sql.as_ptr(), ptr::null(), &mut cur),
                GOVREPORT_OK
            );
            let cols = govreport_cursor_column_count(cur);
            let mut rows = 0;
            while govreport_cursor_step(cur) == GOVREPORT_ROW {
                rows += 1;
                for i in 0..cols {
                    let mut t = 0;
                    govreport_cursor_column_type(cur, i, &mut t);
                    match t {
                        GOVREPORT_TYPE_INTEGER => {
                            let mut v = 0i64;
                            govreport_cursor_column_int64(cur, i, &mut v);
                            black_box(v);
                        }
                        GOVREPORT_TYPE_FLOAT => {
                            let mut v = 0f64;
                            govreport_cursor_column_double(cur, i, &mut v);
                            black_box(v);
                        }
                        _ => {
                            let mut p: *const c_char = ptr::null();
                            govreport_cursor_column_text(cur, i, &mut p);
                            black_box(p);
                        }
                    }
                }
            }
            assert_eq!(rows, 100);
            govreport_cursor_free(cur);
        }
    });
    let list_rust = bench(2_000, || {
        black_box(db.query_json(LIST_SQL, None).unwrap());
    });
    // SAFETY: `conn` is open and used by this thread only.
    let (st, keys) = unsafe { raw_prepare(conn, LIST_SQL) };
    let raw_list = |json: bool| {
        let mut out = Vec::with_capacity(16 * 1024);
        // SAFETY: `st` is live; reset after use.
        unsafe {
            if json {
                out.push(b'[');
            }
            let mut rows = 0;
            while sq::sqlite3_step(st) == sq::SQLITE_ROW {
                if json {
                    if rows > 0 {
                        out.push(b',');
                    }
                    raw_row_json(st, &keys, &mut out);
                } else {
                    for i in 0..8 {
                        black_box(sq::sqlite3_column_type(st, i));
                        black_box(sq::sqlite3_column_text(st, i));
                    }
                }
                rows += 1;
            }
            assert_eq!(rows, 100);
            if json {
                out.push(b']');
            }
            sq::sqlite3_reset(st);
        }
        black_box(out);
    };
    let raw_list_step = bench(2_000, || raw_list(false));
    let raw_list_json = bench(2_000, || raw_list(true));
    // SAFETY: finalized once.
    unsafe { sq::sqlite3_finalize(st) };

    println!("\n## 100 rows x 8 columns (µs per list)");
    println!("| path | µs | vs raw step+JSON |");
    println!("|---|---|---|");
    for (name, v) in [
        (
            "SQLite C API, held statement, step + read columns (no JSON)",
            raw_list_step,
        ),
        (
            "SQLite C API, held statement, step + write the same JSON",
            raw_list_json,
        ),
        ("Rust `Db::query_json`", list_rust),
        (
            "C ABI `govreport_query_json` + `govreport_string_free`",
            list_json,
        ),
        (
            "C ABI cursor: query, step, read every column, free",
            list_cursor,
        ),
    ] {
        println!("| {name} | {v:.1} | {:.2}x |", v / raw_list_json);
    }
    // SAFETY: closed once.
    unsafe { govreport_close(h) };
}
