//! The crates meant for crates.io are ready for it: `cargo package --list` for the runtime
//! and the SecMaster crate warns about nothing (no missing metadata), lists their README
//! and `src/lib.rs`, and lists nothing else than sources, the manifest, the README and the
//! files Cargo adds (no test artifacts). Nothing is packaged or published.

use std::path::Path;
use std::process::Command;

/// What Cargo adds to every package.
const ADDED_BY_CARGO: &[&str] = &[
    ".cargo_vcs_info.json",
    "Cargo.lock",
    "Cargo.toml",
    "Cargo.toml.orig",
];

#[track_caller]
fn check_package(package: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "package",
            "--list",
            "--allow-dirty",
            "--offline",
            "-p",
            package,
        ])
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{package}: {stderr}");
    assert!(
        !stderr.lines().any(|line| line.contains("warning")),
        "{package}: cargo package warns:\n{stderr}"
    );
    let files: Vec<&str> = stdout.lines().collect();
    for expected in ["README.md", "src/lib.rs"] {
        assert!(
            files.contains(&expected),
            "{package} does not ship {expected}: {files:?}"
        );
    }
    for file in &files {
        let expected = ADDED_BY_CARGO.contains(file)
            || *file == "README.md"
            || file.starts_with("src/")
            || file.starts_with("tests/");
        assert!(expected, "{package} would ship the stray file {file}");
    }
}

#[test]
fn the_runtime_is_ready_for_crates_io() {
    check_package("huaweicloud-sdk-core");
}

#[test]
fn the_secmaster_crate_is_ready_for_crates_io() {
    check_package("huaweicloud-secmaster");
}
