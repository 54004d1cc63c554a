//! Builds the C library (capi/, libgovreport.so) with the flags cargo-fuzz gives this crate
//! (coverage counters, `--cfg fuzzing`), so libFuzzer sees the coverage of the code under
//! test, and links the targets against it. `GOVREPORT_FUZZ_SANITIZE=address` also builds the
//! library with AddressSanitizer (off by default: the targets' runtime does not export the
//! symbols an instrumented shared library needs; the ASan C tests cover that side).

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest.parent().unwrap().to_path_buf();
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("capi");
    let target = std::env::var("TARGET").unwrap();
    let keep_asan = std::env::var("GOVREPORT_FUZZ_SANITIZE").as_deref() == Ok("address");
    // Coverage flags yes; the sanitizer runtime belongs to the executable only.
    let flags: Vec<String> = std::env::var("CARGO_ENCODED_RUSTFLAGS")
        .unwrap_or_default()
        .split('\u{1f}')
        .filter(|f| !f.is_empty())
        .filter(|f| keep_asan || !f.starts_with("-Zsanitizer"))
        .map(str::to_string)
        .collect();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    // This script's own build environment (CARGO_CFG_SANITIZE above all, which the C
    // compiler's build helper turns into -fsanitize) must not leak into the nested build.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if key.starts_with("CARGO_") && key != "CARGO_HOME" {
            cmd.env_remove(key);
        }
    }
    let status = cmd
        .args([
            "build",
            "--release",
            "-p",
            "govreport-capi",
            "--target",
            &target,
        ])
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&out)
        .env("CARGO_ENCODED_RUSTFLAGS", flags.join("\u{1f}"))
        .env_remove("RUSTFLAGS")
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "building capi/ for the fuzz targets failed"
    );
    let lib_dir = out.join(&target).join("release");
    // The targets ask the loader for the soname.
    let soname = lib_dir.join("libgovreport.so.0");
    let _ = std::fs::remove_file(&soname);
    std::os::unix::fs::symlink("libgovreport.so", &soname).expect("soname link");
    println!("cargo:rustc-link-search=native={}", lib_dir.display());
    println!("cargo:rustc-link-lib=dylib=govreport");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib_dir.display());
    for watched in ["src", "capi/src", "Cargo.toml", "capi/Cargo.toml"] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    println!("cargo:rerun-if-env-changed=GOVREPORT_FUZZ_SANITIZE");
}
