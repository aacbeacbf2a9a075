//! The workspace driver's logic, shared by the `xtask` binary and the tests: where things
//! are, how a generated crate is written, and the one freshness check both use.

use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context, Result};
use generator::{GeneratedFile, Options, RuntimeDependency, RUNTIME_PACKAGE};

mod lock;

pub use lock::LockSource;

/// The workspace root (the folder holding `runtime/`, `generator/`, `generated/`).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Whether files are written or only compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write the files whose contents changed.
    Write,
    /// Write nothing; report the files that differ.
    Check,
}

/// Text compared with line endings normalised, so a checkout with `\r\n` is not stale.
pub fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Makes `dir` hold `files`: in [`Mode::Write`] writes those whose contents differ (and
/// returns them); in [`Mode::Check`] writes nothing and returns those that differ.
pub fn ensure_files(dir: &Path, files: &[GeneratedFile], mode: Mode) -> Result<Vec<PathBuf>> {
    let mut differing = Vec::new();
    for file in files {
        let path = dir.join(file.name);
        let current = std::fs::read_to_string(&path)
            .ok()
            .map(|text| normalise(&text));
        if current.as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        if mode == Mode::Write {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            std::fs::write(&path, &file.contents)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        differing.push(path);
    }
    Ok(differing)
}

/// An absolute, lexically normalised path (no `.` or `..`), without touching the disk.
pub fn absolute(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `to` relative to `from` (both absolute and normalised), `/`-separated.
fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|component| component.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// How the spec is named in stamps and messages: relative to the workspace when inside it,
/// so committed output never holds a path of a particular machine.
pub fn display_name(root: &Path, spec: &Path) -> String {
    let spec = absolute(spec);
    let shown = spec.strip_prefix(root).unwrap_or(&spec);
    shown.to_string_lossy().replace('\\', "/")
}

/// The generator options for a crate written to `out`. The runtime is named portably:
/// inside a checkout that holds the runtime (this one, or another), by the relative path
/// from `out` to its `runtime/` and that runtime's exact version (for publishing);
/// elsewhere by the exact version of this checkout's runtime from crates.io, never by a
/// path of this machine. `runtime` (`--runtime-path`, `--runtime-version`) overrides that.
/// A crate inside this workspace's members joins the workspace; any other gets a
/// `[workspace]` table of its own.
pub fn options_for(
    root: &Path,
    spec: &Path,
    out: &Path,
    package_name: Option<String>,
    runtime: Option<RuntimeDependency>,
) -> Result<Options> {
    let out = absolute(out);
    let runtime = match runtime {
        Some(runtime) => runtime,
        None => match enclosing_runtime(&out) {
            Some((runtime_dir, version)) => RuntimeDependency::PathAndVersion {
                path: relative(&out, &runtime_dir),
                version: format!("={version}"),
            },
            None => RuntimeDependency::Version(format!("={}", this_runtime_version(root)?)),
        },
    };
    Ok(Options {
        spec_name: display_name(root, spec),
        package_name,
        runtime,
        standalone: !is_member(root, &out),
        skip_unsupported: false,
        doctests: false,
        publish: true,
    })
}

/// The version of this checkout's runtime, from `runtime/Cargo.toml`.
fn this_runtime_version(root: &Path) -> Result<String> {
    let manifest = root.join("runtime/Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    match runtime_version(&text) {
        Some(version) => Ok(version),
        None => bail!(
            "{} does not declare package `{RUNTIME_PACKAGE}` with a `version`",
            manifest.display()
        ),
    }
}

/// The version a manifest's `[package]` declares, when the package is the runtime.
fn runtime_version(manifest: &str) -> Option<String> {
    let mut in_package = false;
    let mut name = None;
    let mut version = None;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if !in_package {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"').to_owned();
        match key.trim() {
            "name" => name = Some(value),
            "version" => version = Some(value),
            _ => {}
        }
    }
    version.filter(|_| name.as_deref() == Some(RUNTIME_PACKAGE))
}

/// The nearest checkout at or above `dir` (absolute) that holds the runtime: its
/// `runtime/` folder and the runtime's version.
fn enclosing_runtime(dir: &Path) -> Option<(PathBuf, String)> {
    dir.ancestors().find_map(|ancestor| {
        let runtime_dir = ancestor.join("runtime");
        let manifest = std::fs::read_to_string(runtime_dir.join("Cargo.toml")).ok()?;
        runtime_version(&manifest).map(|version| (runtime_dir, version))
    })
}

/// Whether `dir` is a member of the workspace at `root`, by the `members` list of its
/// `Cargo.toml` (exact folders, or `folder/*` patterns).
fn is_member(root: &Path, dir: &Path) -> bool {
    let Ok(manifest) = std::fs::read_to_string(root.join("Cargo.toml")) else {
        return false;
    };
    let Some(members) = manifest
        .lines()
        .find_map(|line| line.trim().strip_prefix("members = ["))
    else {
        return false;
    };
    members
        .split(',')
        .map(|entry| entry.trim().trim_end_matches(']').trim().trim_matches('"'))
        .filter(|pattern| !pattern.is_empty())
        .any(|pattern| match pattern.strip_suffix("/*") {
            Some(parent) => dir.parent() == Some(root.join(parent).as_path()),
            None => dir == root.join(pattern),
        })
}

/// One crate to generate: a spec, the folder of its crate, and the generator options.
#[derive(Debug, Clone)]
pub struct Job {
    /// The spec file.
    pub spec: PathBuf,
    /// The crate folder.
    pub out: PathBuf,
    /// What the crate is called and how it reaches the runtime.
    pub options: Options,
    /// For a standalone crate, what its `Cargo.lock` is resolved from; `None` for a member
    /// of the workspace, which the workspace's lock covers.
    pub lock: Option<LockSource>,
}

impl Job {
    /// A job for `spec` into `out`, with the options [`options_for`] gives.
    pub fn new(
        root: &Path,
        spec: PathBuf,
        out: PathBuf,
        package_name: Option<String>,
        runtime: Option<RuntimeDependency>,
    ) -> Result<Job> {
        let options = options_for(root, &spec, &out, package_name, runtime)?;
        let lock = options.standalone.then(|| LockSource {
            workspace_lock: root.join("Cargo.lock"),
            runtime_dir: match &options.runtime {
                RuntimeDependency::Path(path) | RuntimeDependency::PathAndVersion { path, .. } => {
                    absolute(&absolute(&out).join(path))
                }
                RuntimeDependency::Version(_) => root.join("runtime"),
            },
        });
        Ok(Job {
            spec,
            out,
            options,
            lock,
        })
    }
}

/// What a run did: the files written (or, checking, found stale), and the specs the
/// generator refused, each with every problem found.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written, or in [`Mode::Check`] files that differ.
    pub changed: Vec<PathBuf>,
    /// Refused specs.
    pub refused: Vec<generator::Error>,
    /// What `--skip-unsupported` left out, per spec that had anything left out.
    pub skipped: Vec<generator::Error>,
}

/// What `cargo xtask codegen` does without options: the `generated/` crate from
/// `spec/secmaster.yaml`; one crate per spec under `spec/services/` into `services/<name>/`
/// (package `huaweicloud-<name>`, generated with `--skip-unsupported`: what the generator
/// cannot express yet is left out and listed, not fatal); and one crate per ok fixture under
/// `tests/fixture-crates/` (package `fixture-<name>`, its operation examples compiled as
/// doctests), all inside the workspace.
pub fn default_jobs(root: &Path) -> Result<Vec<Job>> {
    let mut jobs = vec![Job::new(
        root,
        root.join("spec/secmaster.yaml"),
        root.join("generated"),
        None,
        None,
    )?];
    for spec in yaml_files(&root.join("spec/services"))? {
        let name = stem(&spec);
        let mut job = Job::new(
            root,
            spec,
            root.join("services").join(&name),
            Some(format!("huaweicloud-{name}")),
            None,
        )?;
        job.options.skip_unsupported = true;
        jobs.push(job);
    }
    for spec in yaml_files(&root.join("generator/tests/fixtures/ok"))? {
        let name = stem(&spec);
        let out = root.join("tests/fixture-crates").join(&name);
        let mut job = Job::new(root, spec, out, Some(format!("fixture-{name}")), None)?;
        // The fixtures are the sample whose operation examples compile in CI; they are
        // test material, never published.
        job.options.doctests = true;
        job.options.publish = false;
        jobs.push(job);
    }
    Ok(jobs)
}

/// The `.yaml` files of a folder, sorted; none when the folder does not exist.
fn yaml_files(folder: &Path) -> Result<Vec<PathBuf>> {
    if !folder.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in
        std::fs::read_dir(folder).with_context(|| format!("reading {}", folder.display()))?
    {
        let path = entry?.path();
        if path
            .extension()
            .is_some_and(|extension| extension == "yaml")
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// A spec's file name without `.yaml`, `_` as `-` (a crate folder and package suffix).
fn stem(spec: &Path) -> String {
    spec.file_stem()
        .map(|stem| stem.to_string_lossy().replace('_', "-"))
        .unwrap_or_default()
}

/// Runs the jobs one after another: generates each crate and writes or checks its files
/// (see [`ensure_files`]). Both `cargo xtask codegen` and the freshness test go through here.
pub fn run(jobs: &[Job], mode: Mode) -> Result<Report> {
    let mut report = Report::default();
    for job in jobs {
        // Read as bytes: the generator says where text that is not UTF-8 goes wrong.
        let spec_bytes =
            std::fs::read(&job.spec).with_context(|| format!("reading {}", job.spec.display()))?;
        let spec_text = match generator::spec_text(&spec_bytes, &job.options.spec_name) {
            Ok(text) => text,
            Err(error) => {
                report.refused.push(error);
                continue;
            }
        };
        match generator::generate_report(spec_text, &job.options) {
            Ok(mut generated) => {
                if let Some(source) = &job.lock {
                    let manifest = generated
                        .files
                        .iter()
                        .find(|file| file.name == "Cargo.toml")
                        .map(|file| file.contents.as_str())
                        .unwrap_or_default();
                    let package = job.options.package_name.as_deref().unwrap_or("crate");
                    let lock =
                        lock::standalone_lock(source, package, manifest).with_context(|| {
                            format!("writing the Cargo.lock of {}", job.out.display())
                        })?;
                    generated.files.push(GeneratedFile {
                        name: "Cargo.lock",
                        contents: lock,
                    });
                }
                report
                    .changed
                    .extend(ensure_files(&job.out, &generated.files, mode)?);
                if !generated.skipped.is_empty() {
                    report.skipped.push(generator::Error {
                        spec_name: job.options.spec_name.clone(),
                        diagnostics: generated.skipped,
                    });
                }
            }
            Err(error) => report.refused.push(error),
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("/a/b/c"), Path::new("/a/runtime")),
            "../../runtime"
        );
        assert_eq!(
            relative(Path::new("/a/generated"), Path::new("/a/runtime")),
            "../runtime"
        );
        assert_eq!(relative(Path::new("/a"), Path::new("/a")), ".");
    }

    /// The runtime a crate names, by where it is written.
    fn runtime_for(root: &Path, out: &Path) -> RuntimeDependency {
        let spec = root.join("spec/secmaster.yaml");
        options_for(root, &spec, out, None, None).unwrap().runtime
    }

    #[test]
    fn the_runtime_is_named_portably() {
        let root = workspace_root();
        let version = format!("={}", this_runtime_version(&root).unwrap());
        // Inside this checkout: a relative path, and the version for publishing.
        assert_eq!(
            runtime_for(&root, &root.join("generated")),
            RuntimeDependency::PathAndVersion {
                path: "../runtime".to_owned(),
                version: version.clone(),
            }
        );
        let nested = root.join("target/some/crate");
        let options = options_for(&root, &root.join("a.yaml"), &nested, None, None).unwrap();
        assert!(options.standalone, "not a member: a workspace of its own");
        assert_eq!(
            options.runtime,
            RuntimeDependency::PathAndVersion {
                path: "../../../runtime".to_owned(),
                version: version.clone(),
            }
        );
        // Inside another checkout holding the runtime: that runtime, by its version.
        let other =
            std::env::temp_dir().join(format!("xtask-other-checkout-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&other);
        std::fs::create_dir_all(other.join("runtime")).unwrap();
        std::fs::write(
            other.join("runtime/Cargo.toml"),
            "[package]\nname = \"huaweicloud-sdk-core\"\nversion = \"9.8.7\"\n\n[dependencies]\nversion = \"1\"\n",
        )
        .unwrap();
        assert_eq!(
            runtime_for(&root, &other.join("clients/vpc")),
            RuntimeDependency::PathAndVersion {
                path: "../../runtime".to_owned(),
                version: "=9.8.7".to_owned(),
            }
        );
        // A folder whose `runtime/` is another package is no checkout of the runtime.
        std::fs::write(
            other.join("runtime/Cargo.toml"),
            "[package]\nname = \"something-else\"\nversion = \"9.8.7\"\n",
        )
        .unwrap();
        assert_eq!(
            runtime_for(&root, &other.join("clients/vpc")),
            RuntimeDependency::Version(version.clone())
        );
        let _ = std::fs::remove_dir_all(&other);
        // `--runtime-path` and `--runtime-version` are written as given.
        let given = RuntimeDependency::Path("../rt".to_owned());
        let spec = root.join("a.yaml");
        let options = options_for(&root, &spec, &other, None, Some(given.clone())).unwrap();
        assert_eq!(options.runtime, given);
    }
}
