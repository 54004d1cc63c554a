//! The install, as a user follows README "Using from C/C++": runs README's install block in the
//! source tree with a temporary prefix, then README's link lines from a directory outside the
//! tree (C dynamic with the documented rpath, C static through `govreport-static.pc`, C++ with
//! `govreport.hpp`), the CMake snippet when cmake is installed, and README's uninstall line;
//! the prefix must then be empty. The commands run are README's own lines (read from the
//! `<!-- install-test:NAME -->` blocks), so README and the test cannot drift apart.
//!
//! `make install` builds the release library (`cargo rustc --release`), so the first run is a
//! release build of the C crate.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::root;

fn show(out: &Output) -> String {
    format!(
        "status {}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed:\n{}", show(&out));
    out
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The fenced code block of README.md that follows the marker `<!-- install-test:NAME -->`.
fn readme_block(name: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let marker = format!("<!-- install-test:{name} -->");
    let after = readme
        .split_once(&marker)
        .unwrap_or_else(|| panic!("README.md has no {marker}"))
        .1;
    let body = after
        .split_once("```")
        .and_then(|(_, rest)| rest.split_once('\n'))
        .map(|(_, rest)| rest)
        .expect("a fenced block after the marker");
    body.split_once("```")
        .expect("the fenced block ends")
        .0
        .to_string()
}

/// Runs a README shell block with `sh -eu` in `dir`, with `PREFIX` set and no
/// `LD_LIBRARY_PATH` (the programs must find the library by themselves).
fn sh(block: &str, dir: &Path, prefix: &Path) -> Output {
    run(Command::new("sh")
        .args(["-eu", "-c", block])
        .current_dir(dir)
        .env("PREFIX", prefix)
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("PKG_CONFIG_PATH"))
}

/// A fresh directory outside the source tree.
fn outside(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("govreport-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating a directory outside the tree");
    assert!(
        !dir.starts_with(root()),
        "{} is inside the tree",
        dir.display()
    );
    dir
}

/// Every file and symlink under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                walk(base, &path, out);
            } else {
                out.push(path.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn readelf(args: &[&str], file: &Path) -> String {
    String::from_utf8_lossy(&run(Command::new("readelf").args(args).arg(file)).stdout).into_owned()
}

/// Runs a built program (no `LD_LIBRARY_PATH`) and checks it printed the headline targets.
fn runs_and_prints_headlines(exe: &Path) -> String {
    let out = run(Command::new(exe).env_remove("LD_LIBRARY_PATH"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        stdout.contains("地区生产总值增速"),
        "{}: {}",
        exe.display(),
        show(&out)
    );
    assert!(
        stdout.contains("error on purpose: code 1"),
        "{}",
        show(&out)
    );
    stdout
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The tests of this file take turns: both run `make install`, which writes one build log.
static MAKE: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn install_link_from_outside_and_uninstall() {
    let _turn = MAKE.lock().unwrap_or_else(|e| e.into_inner());
    for tool in ["make", "pkg-config", "readelf", "cc", "c++"] {
        assert!(have(tool), "{tool} is needed (.ci/run installs it)");
    }
    let prefix = outside("prefix");
    let app = outside("app");
    std::fs::copy(root().join("examples/c/headline.c"), app.join("app.c")).unwrap();
    std::fs::copy(root().join("examples/c/headline.cpp"), app.join("app.cpp")).unwrap();

    // 1. README's install line, in the source tree.
    sh(&readme_block("install"), root(), &prefix);
    let so = format!("lib/libgovreport.so.{VERSION}");
    let expected = [
        "include/govreport.h",
        "include/govreport.hpp",
        "lib/libgovreport.a",
        "lib/libgovreport.so",
        "lib/libgovreport.so.0",
        &so,
        "lib/pkgconfig/govreport-static.pc",
        "lib/pkgconfig/govreport.pc",
    ];
    assert_eq!(files(&prefix), expected);
    let lib = prefix.join("lib");
    assert_eq!(
        std::fs::read_link(lib.join("libgovreport.so.0")).unwrap(),
        Path::new(&format!("libgovreport.so.{VERSION}"))
    );
    assert_eq!(
        std::fs::read_link(lib.join("libgovreport.so")).unwrap(),
        Path::new("libgovreport.so.0")
    );
    let real = prefix.join(&so);
    assert!(readelf(&["-d"], &real).contains("Library soname: [libgovreport.so.0]"));
    let sections = readelf(&["-S", "-W"], &real);
    assert!(
        !sections.contains(".symtab") && !sections.contains(".debug_"),
        "the installed library is not stripped:\n{sections}"
    );
    // Libs.private is what rustc printed for this build, not a hard-coded list.
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root().join("target"), PathBuf::from);
    let native = std::fs::read_to_string(target.join("release/native-static-libs"))
        .expect("make build records rustc's native-static-libs");
    let native = native.trim();
    assert!(native.contains("-lc"), "{native}");
    let pc = std::fs::read_to_string(lib.join("pkgconfig/govreport.pc")).unwrap();
    assert!(pc.contains(&format!("Libs.private: {native}\n")), "{pc}");
    assert!(
        pc.contains(&format!("prefix={}\n", prefix.display())),
        "{pc}"
    );
    let pc_static = std::fs::read_to_string(lib.join("pkgconfig/govreport-static.pc")).unwrap();
    assert!(
        pc_static.contains(&format!("Libs: ${{libdir}}/libgovreport.a {native}\n")),
        "{pc_static}"
    );

    // 2. README's link lines, from outside the tree.
    sh(&readme_block("link"), &app, &prefix);
    let dynamic = app.join("app");
    assert!(readelf(&["-d"], &dynamic).contains("Shared library: [libgovreport.so.0]"));
    runs_and_prints_headlines(&dynamic);
    let stat = app.join("app_static");
    let deps = readelf(&["-d"], &stat);
    assert!(!deps.contains("libgovreport"), "{deps}");
    runs_and_prints_headlines(&stat);
    let cpp = app.join("app_cpp");
    let stdout = runs_and_prints_headlines(&cpp);
    assert!(stdout.contains("blank search: []"), "{stdout}");
    assert!(stdout.contains("first hit: [{\"kind\":"), "{stdout}");

    // 3. The examples' Makefile against the installed library.
    let examples = outside("examples");
    run(Command::new("make")
        .arg("-C")
        .arg(root().join("examples/c"))
        .arg(format!("OUT={}", examples.display()))
        .arg("installed")
        .env("PKG_CONFIG_PATH", lib.join("pkgconfig"))
        .env_remove("LD_LIBRARY_PATH"));
    for exe in [
        "headline_installed",
        "headline_installed_static",
        "headline_installed_cpp",
    ] {
        runs_and_prints_headlines(&examples.join(exe));
    }

    // 4. README's CMake snippet.
    if have("cmake") {
        let project = outside("cmake");
        std::fs::write(project.join("CMakeLists.txt"), readme_block("cmake")).unwrap();
        std::fs::copy(root().join("examples/c/headline.c"), project.join("app.c")).unwrap();
        std::fs::copy(
            root().join("examples/c/headline.cpp"),
            project.join("app.cpp"),
        )
        .unwrap();
        sh(&readme_block("cmake-build"), &project, &prefix);
        runs_and_prints_headlines(&project.join("build/app"));
        runs_and_prints_headlines(&project.join("build/app_cpp"));
        let deps = readelf(&["-d"], &project.join("build/app_static"));
        assert!(!deps.contains("libgovreport"), "{deps}");
        runs_and_prints_headlines(&project.join("build/app_static"));
        std::fs::remove_dir_all(&project).unwrap();
    } else {
        println!("note: cmake is not installed; the README CMake snippet was not built");
    }

    // 5. README's uninstall line: the prefix is left empty.
    sh(&readme_block("uninstall"), root(), &prefix);
    assert_eq!(files(&prefix), Vec::<String>::new());
    assert_eq!(std::fs::read_dir(&prefix).unwrap().count(), 0);

    for dir in [&prefix, &app, &examples] {
        std::fs::remove_dir_all(dir).unwrap();
    }
}

/// The overridable directories: `LIBDIR`, `INCLUDEDIR` and a staged `DESTDIR` install, as a
/// distribution package builds it; uninstall with the same arguments removes all of it.
#[test]
fn install_honours_libdir_includedir_and_destdir() {
    let _turn = MAKE.lock().unwrap_or_else(|e| e.into_inner());
    let stage = outside("stage");
    let args = [
        "PREFIX=/opt/govreport".to_string(),
        "LIBDIR=/opt/govreport/lib64".to_string(),
        "INCLUDEDIR=/opt/govreport/include/gr".to_string(),
        format!("DESTDIR={}", stage.display()),
    ];
    run(Command::new("make")
        .arg("-C")
        .arg(root())
        .arg("install")
        .args(&args));
    let so = format!("opt/govreport/lib64/libgovreport.so.{VERSION}");
    assert_eq!(
        files(&stage),
        [
            "opt/govreport/include/gr/govreport.h",
            "opt/govreport/include/gr/govreport.hpp",
            "opt/govreport/lib64/libgovreport.a",
            "opt/govreport/lib64/libgovreport.so",
            "opt/govreport/lib64/libgovreport.so.0",
            &so,
            "opt/govreport/lib64/pkgconfig/govreport-static.pc",
            "opt/govreport/lib64/pkgconfig/govreport.pc",
        ]
    );
    // The .pc files name the final directories, not the staging one.
    let pc =
        std::fs::read_to_string(stage.join("opt/govreport/lib64/pkgconfig/govreport.pc")).unwrap();
    assert!(pc.contains("libdir=/opt/govreport/lib64\n"), "{pc}");
    assert!(
        pc.contains("includedir=/opt/govreport/include/gr\n"),
        "{pc}"
    );
    assert!(!pc.contains(&stage.display().to_string()), "{pc}");
    run(Command::new("make")
        .arg("-C")
        .arg(root())
        .arg("uninstall")
        .args(&args));
    assert_eq!(files(&stage), Vec::<String>::new());
    std::fs::remove_dir_all(&stage).unwrap();
}
