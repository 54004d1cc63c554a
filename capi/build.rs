//! Sets the soname of the C library (`libgovreport.so.0`, the ABI version of this crate).
//! Nothing else: cbindgen runs in `capi/tests/header.rs`, not here.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libgovreport.so.0");
    }
}
