//! The generated code of every `fixtures/ok` spec compiles against the real runtime, clippy-
//! clean with `-D warnings` and `deny(missing_docs)`: parsing with `syn` alone does not catch
//! a name that shadows a local or a constant defined twice.
//!
//! Each fixture becomes a crate in a scratch workspace under `target/`, whose `lib.rs` is the
//! generated crate's own with the runtime module pointing at `generated/src/runtime`; one
//! `cargo clippy` checks them all.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
        .to_path_buf()
}

/// The `[name]` section of a manifest, up to the next section.
fn section<'t>(manifest: &'t str, name: &str) -> &'t str {
    let header = format!("\n[{name}]\n");
    let Some(start) = manifest.find(&header) else {
        return "";
    };
    let body = &manifest[start + header.len()..];
    let end = body.find("\n[").map_or(body.len(), |end| end + 1);
    &body[..end]
}

fn write(path: &Path, contents: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create the folder");
    // Unchanged files keep their timestamps, so cargo can reuse its work between runs.
    if std::fs::read_to_string(path).ok().as_deref() != Some(contents) {
        std::fs::write(path, contents).expect("write the file");
    }
}

#[test]
fn generated_code_of_every_ok_fixture_compiles_clippy_clean() {
    let root = workspace_root();
    let scratch = root.join("target").join("fixture-crates");
    let root_manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    let crate_manifest =
        std::fs::read_to_string(root.join("generated/Cargo.toml")).expect("generated/Cargo.toml");
    let runtime = root.join("generated/src/runtime/mod.rs");
    let lib = std::fs::read_to_string(root.join("generated/src/lib.rs"))
        .expect("generated/src/lib.rs")
        .replace(
            "pub mod runtime;",
            &format!(
                "#[path = {:?}]\npub mod runtime;",
                runtime.display().to_string()
            ),
        );

    let mut fixtures: Vec<String> = std::fs::read_dir(root.join("tests/fixtures/ok"))
        .expect("tests/fixtures/ok")
        .filter_map(|entry| {
            entry
                .ok()?
                .path()
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
        })
        .collect();
    fixtures.sort();
    assert!(!fixtures.is_empty());

    // Workspace dependencies given by path belong to the real workspace only.
    let workspace_dependencies: String = section(&root_manifest, "workspace.dependencies")
        .lines()
        .filter(|line| !line.contains("path ="))
        .map(|line| format!("{line}\n"))
        .collect();
    let members: Vec<String> = fixtures.iter().map(|name| format!("{name:?}")).collect();
    write(
        &scratch.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[workspace.package]\n{}\n[workspace.dependencies]\n{workspace_dependencies}",
            members.join(", "),
            section(&root_manifest, "workspace.package"),
        ),
    );
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).expect("Cargo.lock");
    write(&scratch.join("Cargo.lock"), &lock);

    for name in &fixtures {
        let spec_name = format!("tests/fixtures/ok/{name}.yaml");
        let spec = std::fs::read_to_string(root.join(&spec_name)).expect("the fixture");
        let files =
            generator::generate(&spec, &spec_name).unwrap_or_else(|error| panic!("{error}"));
        let dir = scratch.join(name);
        write(
            &dir.join("Cargo.toml"),
            &format!(
                "[package]\nname = \"fixture-{}\"\nversion = \"0.0.0\"\nedition.workspace = true\npublish = false\n\n[features]\n{}\n[dependencies]\n{}",
                name.replace('_', "-"),
                section(&crate_manifest, "features"),
                section(&crate_manifest, "dependencies"),
            ),
        );
        // The example in the real crate's docs names SecMaster types; fixtures have others.
        let lib = lib
            .lines()
            .filter(|line| !line.starts_with("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        write(
            &dir.join("src/lib.rs"),
            &format!("//! Fixture `{name}`.\n{lib}\n"),
        );
        for file in files {
            write(&dir.join("src").join(file.name), &file.contents);
        }
    }

    let output = Command::new(env!("CARGO"))
        .args([
            "clippy",
            "--workspace",
            "--keep-going",
            "--quiet",
            "--offline",
            "--",
            "-D",
            "warnings",
        ])
        .current_dir(&scratch)
        .env(
            "CARGO_TARGET_DIR",
            root.join("target").join("fixture-check"),
        )
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "generated code of a fixture does not compile cleanly:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
