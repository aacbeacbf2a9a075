//! The `Cargo.lock` of a crate generated outside any workspace, so that a build next month
//! resolves the versions this one was tested with.
//!
//! The lock is the workspace's own `Cargo.lock` narrowed by Cargo to what the crate uses:
//! in a scratch folder, the crate's manifest (its runtime dependency pointing at the runtime
//! by absolute path) and a copy of the workspace's lock, then `cargo update --workspace
//! --offline`, which keeps every version the lock has and drops what the crate does not
//! use. Offline, it reads only the registry index the workspace's own builds cached. A lock
//! file holds no path, so none of this machine's ends up in the crate.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use generator::RUNTIME_PACKAGE;

/// What a standalone crate's lock is resolved from.
#[derive(Debug, Clone)]
pub struct LockSource {
    /// The workspace's `Cargo.lock`, whose versions are kept.
    pub workspace_lock: PathBuf,
    /// The runtime folder the crate is resolved against (the one its path names, else this
    /// checkout's).
    pub runtime_dir: PathBuf,
}

/// The `Cargo.lock` for a crate whose generated `Cargo.toml` is `manifest`.
pub fn standalone_lock(source: &LockSource, package: &str, manifest: &str) -> Result<String> {
    let manifest = with_runtime_at(manifest, &source.runtime_dir)?;
    let scratch = std::env::temp_dir().join(format!("xtask-lock-{}-{package}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let result = resolve_in(&scratch, &manifest, source);
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// Writes the scratch crate, resolves it offline and returns its lock.
fn resolve_in(scratch: &Path, manifest: &str, source: &LockSource) -> Result<String> {
    let LockSource {
        workspace_lock,
        runtime_dir,
    } = source;
    let src = scratch.join("src");
    std::fs::create_dir_all(&src).with_context(|| format!("creating {}", src.display()))?;
    std::fs::write(src.join("lib.rs"), "").with_context(|| format!("writing {}", src.display()))?;
    std::fs::write(scratch.join("Cargo.toml"), manifest)
        .with_context(|| format!("writing {}", scratch.display()))?;
    let lock = scratch.join("Cargo.lock");
    std::fs::copy(workspace_lock, &lock)
        .with_context(|| format!("copying {}", workspace_lock.display()))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["update", "--workspace", "--offline", "--quiet"])
        .current_dir(scratch)
        .output()
        .context("running `cargo update` for the standalone crate's Cargo.lock")?;
    if !output.status.success() {
        bail!(
            "`cargo update --offline` could not make the standalone crate's Cargo.lock from {} with the runtime at {}:\n{}\nhelp: the runtime folder must hold the runtime's Cargo.toml, and the registry index the workspace's builds cached must hold every package (run `cargo fetch` in the workspace once)",
            workspace_lock.display(),
            runtime_dir.display(),
            String::from_utf8_lossy(&output.stderr).trim_end()
        );
    }
    let text =
        std::fs::read_to_string(&lock).with_context(|| format!("reading {}", lock.display()))?;
    Ok(crate::normalise(&text))
}

/// `manifest` with its runtime dependency replaced by the runtime at `runtime_dir`.
fn with_runtime_at(manifest: &str, runtime_dir: &Path) -> Result<String> {
    let dir = runtime_dir.to_string_lossy().replace('\\', "/");
    // A TOML literal string holds anything but `'` and line breaks.
    if dir.contains(['\'', '\n', '\r']) {
        bail!(
            "the runtime folder {dir:?} cannot be named in a TOML literal string; move the checkout to a path without `'` or line breaks"
        );
    }
    let prefix = format!("{RUNTIME_PACKAGE} = ");
    let mut found = 0;
    let lines: Vec<String> = manifest
        .lines()
        .map(|line| {
            if line.starts_with(&prefix) {
                found += 1;
                format!("{prefix}{{ path = '{dir}' }}")
            } else {
                line.to_owned()
            }
        })
        .collect();
    if found != 1 {
        bail!("the generated Cargo.toml names `{RUNTIME_PACKAGE}` {found} times at the start of a line, not once (a generator bug)");
    }
    Ok(lines.join("\n") + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_line_is_replaced_once() {
        let manifest = "[features]\nmock = [\"huaweicloud-sdk-core/mock\"]\n[dependencies]\nhuaweicloud-sdk-core = \"=0.1.0\"\n# huaweicloud-sdk-core = { path = \"x\" }\n";
        let replaced = with_runtime_at(manifest, Path::new("/a/runtime")).unwrap();
        assert_eq!(
            replaced,
            "[features]\nmock = [\"huaweicloud-sdk-core/mock\"]\n[dependencies]\nhuaweicloud-sdk-core = { path = '/a/runtime' }\n# huaweicloud-sdk-core = { path = \"x\" }\n"
        );
        assert!(with_runtime_at("[dependencies]\n", Path::new("/a")).is_err());
        assert!(with_runtime_at(manifest, Path::new("/it's")).is_err());
    }

    #[test]
    fn a_lock_cargo_cannot_make_is_a_clear_error() {
        let root = crate::workspace_root();
        let source = LockSource {
            workspace_lock: root.join("Cargo.lock"),
            runtime_dir: root.join("no-such-runtime"),
        };
        let manifest = "[package]\nname = \"lockless\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nhuaweicloud-sdk-core = \"=0.1.0\"\n\n[workspace]\n";
        let error = standalone_lock(&source, "lockless", manifest)
            .expect_err("the runtime folder does not exist")
            .to_string();
        assert!(
            error.contains(
                "`cargo update --offline` could not make the standalone crate's Cargo.lock"
            ),
            "{error}"
        );
        assert!(error.contains("no-such-runtime"), "{error}");
        assert!(error.contains("help: "), "{error}");
    }
}
