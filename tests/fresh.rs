//! The committed generated crates (`generated/` and `tests/fixture-crates/*`) are exactly
//! what `cargo xtask codegen` writes now, checked through the same function the xtask uses.
//!
//! In CI (`CI` set) a stale file fails the test. On a developer's machine the test writes
//! the fresh files and then fails, so a rerun passes and `git diff` shows what changed.

use xtask::{default_jobs, run, workspace_root, Mode};

#[test]
fn committed_generated_crates_are_fresh() {
    let root = workspace_root();
    let jobs = default_jobs(&root).expect("the fixture folder is readable");
    let mode = if std::env::var_os("CI").is_some() {
        Mode::Check
    } else {
        Mode::Write
    };
    let report = run(&jobs, mode).expect("the specs are readable");
    let refused: Vec<String> = report.refused.iter().map(ToString::to_string).collect();
    assert!(refused.is_empty(), "{}", refused.join("\n"));
    let changed: Vec<String> = report
        .changed
        .iter()
        .map(|path| {
            path.strip_prefix(&root)
                .unwrap_or(path)
                .display()
                .to_string()
        })
        .collect();
    assert!(
        changed.is_empty(),
        "generated files were stale{}: {}; review and commit them",
        if mode == Mode::Write {
            " and have been rewritten"
        } else {
            ""
        },
        changed.join(", ")
    );
}
