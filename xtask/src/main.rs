//! `cargo xtask codegen`: reads a spec, calls the generator, writes the generated crate.
//!
//! ```text
//! cargo xtask codegen [--check] [--spec FILE] [--out DIR] [--package NAME]
//!                     [--runtime-path PATH | --runtime-version VERSION] [--skip-unsupported]
//! ```
//!
//! Without options it regenerates the `generated/` crate from `spec/secmaster.yaml`, the
//! `services/<name>/` crates from `spec/services/` and the fixture crates under
//! `tests/fixture-crates/` from `generator/tests/fixtures/ok/`, writing only the files whose
//! contents changed. `--check` writes nothing and fails, naming each stale file.
//! `--spec` and `--out` run the same pipeline on any other spec and folder: the folder gets
//! a complete crate that names no path of this machine (see `xtask::options_for`) and, when
//! it is outside the workspace, a `Cargo.lock` with the workspace's versions.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use generator::RuntimeDependency;
use xtask::{default_jobs, run as run_jobs, workspace_root, Job, Mode};

const USAGE: &str = "usage: cargo xtask codegen [--check] [--spec FILE] [--out DIR] [--package NAME] [--runtime-path PATH | --runtime-version VERSION] [--skip-unsupported]";

/// What `--help` prints.
const HELP: &str = "\
Regenerates the client crates from their specs.

  --check                    write nothing; fail naming each file that is out of date
  --spec FILE                generate from this spec (needs --out unless it is spec/secmaster.yaml)
  --out DIR                  write the crate into this folder
  --package NAME             the package name (default: huaweicloud-<info.title>)
  --runtime-path PATH        depend on the runtime at this path (a relative PATH is
                             relative to DIR, as Cargo reads it)
  --runtime-version VERSION  depend on the runtime from crates.io with this requirement
  --skip-unsupported         leave out (and list) each operation the generator cannot
                             express, and paging it cannot follow, instead of refusing
                             the whole spec
  -h, --help                 print this help

Without options: generated/ from spec/secmaster.yaml, services/<name>/ from
spec/services/<name>.yaml (with --skip-unsupported), and tests/fixture-crates/* from
generator/tests/fixtures/ok/.

The runtime is named portably: inside a checkout that holds runtime/, by the relative
path to it (and its exact version, for publishing); elsewhere by the exact version of
this checkout's runtime, with the [patch.crates-io] that points it at a local checkout
shown in Cargo.toml and README.md. A crate outside this workspace gets a [workspace] of
its own and a Cargo.lock: the workspace's, narrowed offline by Cargo to what it uses.";

struct Args {
    mode: Mode,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    package_name: Option<String>,
    runtime: Option<RuntimeDependency>,
    skip_unsupported: bool,
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// What the command line asks for: a run, or the help text.
enum Command {
    Run(Args),
    Help,
}

fn parse_args() -> Result<Command> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("codegen") => {}
        Some("-h" | "--help" | "help") => return Ok(Command::Help),
        Some(other) => bail!("unknown task `{other}`\n{USAGE}"),
        None => bail!("no task given\n{USAGE}"),
    }
    let mut parsed = Args {
        mode: Mode::Write,
        spec: None,
        out: None,
        package_name: None,
        runtime: None,
        skip_unsupported: false,
    };
    while let Some(arg) = args.next() {
        let mut value = |what: &str| args.next().with_context(|| format!("`{arg}` needs {what}"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--check" => parsed.mode = Mode::Check,
            "--skip-unsupported" => parsed.skip_unsupported = true,
            "--spec" => parsed.spec = Some(value("a file")?.into()),
            "--out" => parsed.out = Some(value("a folder")?.into()),
            "--package" => parsed.package_name = Some(value("a package name")?),
            "--runtime-path" => {
                parsed.runtime = Some(RuntimeDependency::Path(value("a path")?));
            }
            "--runtime-version" => {
                parsed.runtime = Some(RuntimeDependency::Version(value("a version")?));
            }
            other => bail!("unknown option `{other}`\n{USAGE}"),
        }
    }
    Ok(Command::Run(parsed))
}

fn run() -> Result<ExitCode> {
    let root = workspace_root();
    let args = match parse_args()? {
        Command::Help => {
            println!("{USAGE}\n\n{HELP}");
            return Ok(ExitCode::SUCCESS);
        }
        Command::Run(args) => args,
    };
    let main_spec = root.join("spec/secmaster.yaml");
    if let (Some(spec), None) = (&args.spec, &args.out) {
        // A spec that cannot be read is reported below, when it is read.
        let found = std::fs::canonicalize(spec).ok();
        if found.is_some() && found != std::fs::canonicalize(&main_spec).ok() {
            bail!(
                "`--spec {}` without `--out` would replace generated/, the crate of spec/secmaster.yaml, with another spec's crate; give `--out DIR`",
                spec.display()
            );
        }
    }
    let jobs = if args.spec.is_none() && args.out.is_none() {
        let mut jobs = default_jobs(&root)?;
        if let Some(job) = jobs.first_mut() {
            *job = Job::new(
                &root,
                job.spec.clone(),
                job.out.clone(),
                args.package_name,
                args.runtime,
            )?;
        }
        jobs
    } else {
        let spec = args.spec.unwrap_or(main_spec);
        let out = args.out.unwrap_or_else(|| root.join("generated"));
        vec![Job::new(&root, spec, out, args.package_name, args.runtime)?]
    };
    let jobs: Vec<Job> = jobs
        .into_iter()
        .map(|mut job| {
            job.options.skip_unsupported |= args.skip_unsupported;
            job
        })
        .collect();
    let report = run_jobs(&jobs, args.mode)?;
    for skipped in &report.skipped {
        // Listed when written; a check only counts them.
        if args.mode == Mode::Write {
            eprintln!("{}", skipped.labelled("left out"));
        }
        // Operations (or their paging), not problems: one operation may have several.
        let mut places: Vec<Option<&str>> = skipped
            .diagnostics
            .iter()
            .map(|diagnostic| diagnostic.left_out.as_deref())
            .collect();
        places.dedup();
        let count = places.len();
        eprintln!(
            "note: {}: --skip-unsupported left out {count} operation{} or paging (`cargo xtask codegen` lists them); the rest was generated",
            skipped.spec_name,
            if count == 1 { "" } else { "s" }
        );
    }
    for error in &report.refused {
        eprintln!("{error}");
        let count = error.diagnostics.len();
        eprintln!(
            "error: {}: {count} problem{} found; nothing was written",
            error.spec_name,
            if count == 1 { "" } else { "s" }
        );
    }
    match args.mode {
        Mode::Write => {
            for path in &report.changed {
                println!("wrote {}", path.display());
            }
        }
        Mode::Check => {
            for path in &report.changed {
                eprintln!("stale: {}", path.display());
            }
            if !report.changed.is_empty() {
                eprintln!("error: generated code is out of date with its spec; run `cargo xtask codegen` and commit the result");
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    if !report.refused.is_empty() {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
