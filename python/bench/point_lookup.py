"""Point lookup cost: govreport (PyO3) vs the C ABI through ctypes, in one process.

    python python/bench/point_lookup.py target/release/libgovreport.so [N]

Each side fetches target 1 as JSON N times from the built-in database; the Python package
also returns a parsed dict (db.target) and a raw scripted query (db.query).
"""

import ctypes
import json
import sys
import time

import govreport


def per_call(fn, n):
    fn()  # warm
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n * 1e6


def main():
    lib_path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    lib = ctypes.CDLL(lib_path)
    lib.govreport_open_default.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    lib.govreport_open_default.restype = ctypes.c_int32
    lib.govreport_target_json.argtypes = [
        ctypes.c_void_p, ctypes.c_int64, ctypes.POINTER(ctypes.c_void_p)]
    lib.govreport_target_json.restype = ctypes.c_int32
    lib.govreport_string_free.argtypes = [ctypes.c_void_p]
    lib.govreport_string_free.restype = None
    lib.govreport_close.argtypes = [ctypes.c_void_p]
    lib.govreport_close.restype = None
    handle = ctypes.c_void_p()
    assert lib.govreport_open_default(ctypes.byref(handle)) == 0
    out = ctypes.c_void_p()

    def c_raw():
        assert lib.govreport_target_json(handle, 1, ctypes.byref(out)) == 0
        s = ctypes.string_at(out.value)
        lib.govreport_string_free(out)
        return s

    def c_dict():
        return json.loads(c_raw())

    db = govreport.open()
    native = db._db
    assert json.loads(c_raw()) == db.target(1)
    rows = [
        ("C ABI via ctypes: govreport_target_json -> bytes", per_call(c_raw, n)),
        ("C ABI via ctypes + json.loads -> dict", per_call(c_dict, n)),
        ("govreport (PyO3): native target(1) -> str", per_call(lambda: native.target(1), n)),
        ("govreport (PyO3): db.target(1) -> dict", per_call(lambda: db.target(1), n)),
        ("govreport (PyO3): db.query(... WHERE id = ?, [1])",
         per_call(lambda: db.query("SELECT id, metric, value FROM figure WHERE id = ?", [1]), n)),
    ]
    print(f"{n} calls each, microseconds per call")
    for name, us in rows:
        print(f"{us:8.2f}  {name}")
    lib.govreport_close(handle)
    db.close()


if __name__ == "__main__":
    main()
