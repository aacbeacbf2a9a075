//! `cargo xtask` builds the xtask binary in the launcher's own small workspace
//! (`xtask/launcher/`), sharing `target/` with the main workspace. The two share builds only
//! while they build alike: the same profile and the same versions of every package.

use std::collections::BTreeMap;

fn read(relative: &str) -> String {
    let path = xtask::workspace_root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The `[profile...]` tables of a manifest, each as its header and its lines without
/// comments or blank lines.
fn profile_tables(manifest: &str) -> BTreeMap<String, Vec<String>> {
    let mut tables = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in manifest.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('[') {
            current = line.starts_with("[profile").then(|| line.to_owned());
            if let Some(header) = &current {
                tables.insert(header.clone(), Vec::new());
            }
        } else if let Some(header) = &current {
            tables
                .get_mut(header)
                .expect("inserted with its header")
                .push(line.to_owned());
        }
    }
    tables
}

/// The `name version` of each package of a lock file.
fn locked(lock: &str) -> BTreeMap<String, Vec<String>> {
    let mut packages: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(value) = line.strip_prefix("name = ") {
            name = Some(value.trim_matches('"').to_owned());
        } else if let Some(value) = line.strip_prefix("version = ") {
            if let Some(name) = name.take() {
                packages
                    .entry(name)
                    .or_default()
                    .push(value.trim_matches('"').to_owned());
            }
        }
    }
    packages
}

#[test]
fn the_launcher_builds_with_the_workspace_profile() {
    let workspace = profile_tables(&read("Cargo.toml"));
    let mut launcher = profile_tables(&read("xtask/launcher/Cargo.toml"));
    assert!(
        workspace.contains_key("[profile.dev.package.xtask]"),
        "the workspace optimises the xtask binary: {workspace:?}"
    );
    // Its own binary is optimised as the workspace's `xtask` is.
    assert_eq!(
        launcher.remove("[profile.dev.package.xtask-launcher]"),
        workspace.get("[profile.dev.package.xtask]").cloned(),
    );
    assert_eq!(
        launcher, workspace,
        "xtask/launcher/Cargo.toml must repeat the workspace's profile tables"
    );
}

#[test]
fn the_launcher_locks_the_workspace_versions() {
    let workspace = locked(&read("Cargo.lock"));
    let launcher = locked(&read("xtask/launcher/Cargo.lock"));
    assert!(launcher.contains_key("generator") && launcher.contains_key("syn"));
    for (name, versions) in &launcher {
        if name == "xtask-launcher" {
            continue;
        }
        let expected = workspace.get(name);
        for version in versions {
            assert!(
                expected.is_some_and(|known| known.contains(version)),
                "{name} {version} is locked in xtask/launcher/Cargo.lock but the workspace locks {expected:?}; copy Cargo.lock over xtask/launcher/Cargo.lock and run `cargo xtask codegen` to trim it"
            );
        }
    }
}
