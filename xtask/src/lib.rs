//! The workspace driver's logic, shared by the `xtask` binary and the tests: where things
//! are, how a generated crate is written, and the one freshness check both use.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};
use generator::{GeneratedFile, Options, RuntimeDependency};

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

/// The generator options for a crate written to `out`: inside this workspace the runtime is
/// reached by a relative path and the crate joins the workspace; outside it, by this
/// checkout's absolute path, with a `[workspace]` table of its own. `runtime` overrides the
/// dependency.
pub fn options_for(
    root: &Path,
    spec: &Path,
    out: &Path,
    package_name: Option<String>,
    runtime: Option<RuntimeDependency>,
) -> Options {
    let out = absolute(out);
    let inside = out.starts_with(root);
    let member = is_member(root, &out);
    let runtime_dir = root.join("runtime");
    let runtime = runtime.unwrap_or_else(|| {
        RuntimeDependency::Path(if inside {
            relative(&out, &runtime_dir)
        } else {
            runtime_dir.to_string_lossy().replace('\\', "/")
        })
    });
    Options {
        spec_name: display_name(root, spec),
        package_name,
        runtime,
        standalone: !member,
        skip_unsupported: false,
        doctests: false,
    }
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
}

impl Job {
    /// A job for `spec` into `out`, with the options [`options_for`] gives.
    pub fn new(
        root: &Path,
        spec: PathBuf,
        out: PathBuf,
        package_name: Option<String>,
        runtime: Option<RuntimeDependency>,
    ) -> Job {
        let options = options_for(root, &spec, &out, package_name, runtime);
        Job { spec, out, options }
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
    )];
    for spec in yaml_files(&root.join("spec/services"))? {
        let name = stem(&spec);
        let mut job = Job::new(
            root,
            spec,
            root.join("services").join(&name),
            Some(format!("huaweicloud-{name}")),
            None,
        );
        job.options.skip_unsupported = true;
        jobs.push(job);
    }
    for spec in yaml_files(&root.join("generator/tests/fixtures/ok"))? {
        let name = stem(&spec);
        let out = root.join("tests/fixture-crates").join(&name);
        let mut job = Job::new(root, spec, out, Some(format!("fixture-{name}")), None);
        // The fixtures are the sample whose operation examples compile in CI.
        job.options.doctests = true;
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
            Ok(generated) => {
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
}
