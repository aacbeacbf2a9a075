//! The documentation users read builds without a single rustdoc warning: `cargo doc
//! --no-deps` with `RUSTDOCFLAGS="-D warnings"` for the runtime (mock included), the
//! SecMaster crate and two fixture crates (a sample of the generator's output: names that
//! meet generated code, and required values of every shape in the examples), in a target
//! directory of its own so the flags do not invalidate the workspace's builds.

use std::path::Path;
use std::process::Command;

#[test]
fn rustdoc_builds_without_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "doc",
            "--no-deps",
            "--quiet",
            "-p",
            "huaweicloud-sdk-core",
            "-p",
            "huaweicloud-secmaster",
            "-p",
            "fixture-example-shapes",
            "-p",
            "fixture-names-that-meet-generated-code",
            "--features",
            "huaweicloud-sdk-core/mock",
        ])
        .env("RUSTDOCFLAGS", "-D warnings")
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("rustdoc"),
        )
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "rustdoc warnings:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
