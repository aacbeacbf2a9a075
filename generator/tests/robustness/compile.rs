//! A bounded sample of accepted random specs, generated as crates and compiled: parsing
//! shows the output is Rust, compiling shows it is Rust that type-checks against the
//! runtime (names that clash, types that do not fit, a missing import).

use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRng, TestRunner};

use crate::random::random_spec;

/// How many accepted specs are compiled: each adds a small crate to one `cargo check`.
const SAMPLE: usize = 6;
/// How many random specs are drawn at most to find them.
const DRAWS: usize = 400;

/// Draws random specs (with a fixed seed, so the sample is the same on every run) until
/// `SAMPLE` are accepted; writes each as a member of a scratch workspace beside this
/// checkout's runtime; and runs `cargo check` over all their targets, tests included.
#[test]
fn a_sample_of_accepted_random_specs_compiles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let runtime = root.join("runtime");
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("robustness-crates");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).expect("a scratch folder");

    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(Config::default().rng_algorithm),
    );
    let strategy = random_spec();
    let mut members: Vec<String> = Vec::new();
    for draw in 0..DRAWS {
        if members.len() == SAMPLE {
            break;
        }
        let spec = strategy
            .new_tree(&mut runner)
            .expect("the strategy draws a spec")
            .current();
        let name = format!("sample-{draw}");
        let options = generator::Options {
            spec_name: format!("{name}.yaml"),
            package_name: Some(name.clone()),
            runtime: generator::RuntimeDependency::Path(runtime.display().to_string()),
            standalone: false,
            skip_unsupported: false,
            doctests: false,
            publish: false,
        };
        let Ok(files) = generator::generate(&spec, &options) else {
            continue;
        };
        let dir = scratch.join(&name);
        write_crate(&dir, &spec, &files);
        members.push(name);
    }
    assert_eq!(
        members.len(),
        SAMPLE,
        "fewer than {SAMPLE} of {DRAWS} random specs were accepted"
    );
    let list: Vec<String> = members.iter().map(|name| format!("{name:?}")).collect();
    std::fs::write(
        scratch.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            list.join(", ")
        ),
    )
    .expect("the workspace manifest");
    // The versions the workspace is tested with, so the check needs nothing new.
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).expect("the lock file");
    let output = Command::new(env!("CARGO"))
        .args([
            "check",
            "--offline",
            "--quiet",
            "--workspace",
            "--all-targets",
        ])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "a generated crate does not compile (its spec is {}/<member>/spec.yaml):\n{}",
        scratch.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The scratch workspace's own target folder, kept between runs.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("robustness-target")
}

fn write_crate(dir: &Path, spec: &str, files: &[generator::GeneratedFile]) {
    for file in files {
        let path = dir.join(file.name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a crate folder");
        }
        std::fs::write(&path, &file.contents).expect("a generated file");
    }
    // Kept beside the crate so a failure can be reproduced.
    std::fs::write(dir.join("spec.yaml"), spec).expect("the spec");
}
