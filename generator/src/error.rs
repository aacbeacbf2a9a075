//! Errors of a generator run: every problem found in the spec, each with its place.

use std::fmt;

use crate::names::escape_controls;

/// One problem in the spec.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Where in the spec, as a YAML path (`paths./pets/{id}.get.parameters[0]`).
    pub path: String,
    /// Line and column (1-based), where the YAML parser gives them.
    pub position: Option<(u32, u32)>,
    /// What is wrong, lower-case, no trailing period.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// Whether the spec is wrong or the generator cannot express what it says.
    pub kind: Kind,
    /// The operation (or its paging) that `--skip-unsupported` left out for this problem,
    /// as its YAML path (`paths./x.get`, `paths./x.get.x-pagination`); `None` for a
    /// problem that refused the spec.
    pub left_out: Option<String>,
}

/// What kind of problem a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The spec is wrong, or contradicts itself: always refused.
    Invalid,
    /// The spec is valid but uses what the generator cannot express yet (a construct, a
    /// paging style, an operation sharing another's path and method): within one
    /// operation, `--skip-unsupported` leaves that operation (or its paging) out instead.
    Unsupported,
}

impl Diagnostic {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            position: None,
            message: message.into(),
            help: None,
            kind: Kind::Invalid,
            left_out: None,
        }
    }

    /// Places the problem at a line and column (1-based; past `u32::MAX`, at `u32::MAX`).
    pub(crate) fn at(mut self, line: usize, column: usize) -> Self {
        let narrow = |value: usize| u32::try_from(value).unwrap_or(u32::MAX);
        self.position = Some((narrow(line), narrow(column)));
        self
    }

    /// Marks the problem as something the generator cannot express yet.
    pub(crate) fn unsupported(mut self) -> Self {
        self.kind = Kind::Unsupported;
        self
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Everything wrong with one spec, in the order found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The name the spec is reported under (usually its path).
    pub spec_name: String,
    /// At least one problem.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for Error {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_labelled(formatter, "error")
    }
}

impl Error {
    /// The problems as `Display` writes them, each starting with `label` (`left out` for
    /// what `--skip-unsupported` left out) instead of `error`.
    pub fn labelled(&self, label: &str) -> String {
        let mut text = String::new();
        let _ = self.write_labelled(&mut text, label);
        text
    }

    fn write_labelled(&self, formatter: &mut impl fmt::Write, label: &str) -> fmt::Result {
        for (index, diagnostic) in self.diagnostics.iter().enumerate() {
            if index > 0 {
                writeln!(formatter)?;
            }
            // Spec text (a file name, a path key, a name) may hold line breaks; written
            // escaped, each problem stays on its own lines.
            write!(formatter, "{label}: {}", escape_controls(&self.spec_name))?;
            if let Some((line, column)) = diagnostic.position {
                write!(formatter, ":{line}:{column}")?;
            }
            if !diagnostic.path.is_empty() {
                write!(formatter, ": {}", escape_controls(&diagnostic.path))?;
            }
            write!(formatter, ": {}", escape_controls(&diagnostic.message))?;
            if let Some(help) = &diagnostic.help {
                write!(formatter, "\n  help: {help}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
