//! `cargo xtask codegen`: reads the spec, calls the generator, writes the generated sources.
//!
//! ```text
//! cargo xtask codegen [--check] [--spec FILE] [--out DIR]
//! ```
//!
//! Without options it regenerates `generated/src/` from `spec/secmaster.yaml`, writing only
//! the files whose contents changed. `--check` writes nothing and fails, naming each stale
//! file. `--spec` and `--out` run the same pipeline on any other spec and folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

const USAGE: &str = "usage: cargo xtask codegen [--check] [--spec FILE] [--out DIR]";

struct Options {
    check: bool,
    spec: PathBuf,
    out: PathBuf,
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

fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

fn parse_args(root: &Path) -> Result<Options> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("codegen") => {}
        Some(other) => bail!("unknown task `{other}`\n{USAGE}"),
        None => bail!("no task given\n{USAGE}"),
    }
    let mut options = Options {
        check: false,
        spec: root.join("spec/secmaster.yaml"),
        out: root.join("generated/src"),
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => options.check = true,
            "--spec" => options.spec = args.next().context("`--spec` needs a file")?.into(),
            "--out" => options.out = args.next().context("`--out` needs a folder")?.into(),
            other => bail!("unknown option `{other}`\n{USAGE}"),
        }
    }
    Ok(options)
}

/// How the spec is named in stamps and messages: relative to the workspace when inside it,
/// so the committed output never holds a path of a particular machine.
fn display_name(root: &Path, spec: &Path) -> String {
    let absolute = std::path::absolute(spec).unwrap_or_else(|_| spec.to_path_buf());
    let shown = absolute.strip_prefix(root).unwrap_or(spec);
    shown.to_string_lossy().replace('\\', "/")
}

fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n")
}

fn run() -> Result<ExitCode> {
    let root = workspace_root();
    let options = parse_args(&root)?;
    let spec_name = display_name(&root, &options.spec);
    let spec_text = std::fs::read_to_string(&options.spec)
        .with_context(|| format!("reading {}", options.spec.display()))?;
    let files = match generator::generate(&spec_text, &spec_name) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("{error}");
            let count = error.diagnostics.len();
            eprintln!(
                "error: {spec_name}: {count} problem{} found; nothing was written",
                if count == 1 { "" } else { "s" }
            );
            return Ok(ExitCode::FAILURE);
        }
    };

    let mut stale = Vec::new();
    for file in &files {
        let path = options.out.join(file.name);
        let current = std::fs::read_to_string(&path)
            .ok()
            .map(|text| normalise(&text));
        if current.as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        if options.check {
            stale.push(path);
        } else {
            std::fs::create_dir_all(&options.out)
                .with_context(|| format!("creating {}", options.out.display()))?;
            std::fs::write(&path, &file.contents)
                .with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {}", path.display());
        }
    }
    if !stale.is_empty() {
        for path in &stale {
            eprintln!("stale: {}", path.display());
        }
        eprintln!("error: generated code is out of date with {spec_name}; run `cargo xtask codegen` and commit the result");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
