//! Test-only crate: everything lives in its `[[test]]` targets.
