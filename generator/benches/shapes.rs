//! How generation time grows with the four input shapes that once took quadratic time: flow
//! nesting, `$ref` chains, enum values and struct chains, each at two sizes.
//!
//! `cargo bench -p generator --bench shapes --profile dev` (the profile `cargo xtask
//! codegen` runs in). One timed run per case: prints the seconds, whether the spec was
//! accepted and how many bytes of Rust came out. Linear growth shows as about ten times the
//! time for ten times the size. Struct chains stop at 10,000: each struct brings its serde
//! impls and builder (about 2.6 KB of Rust), so 100,000 of them are 260 MB of output and
//! about 13 GB of memory to format. Flow nesting deeper than
//! `generator::MAX_FLOW_BRACKETS` (10,000) is refused before the YAML scanner, whose time is
//! quadratic in that depth, sees it. `cargo bench ... -- chain enum` times only the shapes
//! whose names contain those words.

use std::time::Instant;

fn document(schemas: &str, operation_uses_s0: bool) -> String {
    let operation = if operation_uses_s0 {
        "    post:\n      operationId: CreateThing\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/S0'}\n      responses:\n        '200': {description: ok}\n"
    } else {
        "    get:\n      operationId: ListThings\n      responses:\n        '200': {description: ok}\n"
    };
    format!(
        "openapi: 3.0.3\ninfo: {{title: Shapes, version: v1}}\nservers: [{{url: 'https://example.com'}}]\npaths:\n  /v1/things:\n{operation}components:\n  schemas:\n{schemas}"
    )
}

/// `[[[...]]]` `n` levels deep under an extension key.
fn nesting(n: usize) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: T, version: v1}}\nx-deep: {}{}\npaths: {{}}\n",
        "[".repeat(n),
        "]".repeat(n)
    )
}

/// `S0` is a `$ref` to `S1`, ..., to `Sn`, an object.
fn ref_chain(n: usize) -> String {
    let mut schemas = String::new();
    for i in 0..n {
        schemas.push_str(&format!(
            "    S{i}: {{$ref: '#/components/schemas/S{}'}}\n",
            i + 1
        ));
    }
    schemas.push_str(&format!(
        "    S{n}: {{type: object, properties: {{a: {{type: string}}}}}}\n"
    ));
    document(&schemas, true)
}

/// One string property with `n` enum values.
fn enum_values(n: usize) -> String {
    let values: Vec<String> = (0..n).map(|i| format!("V{i}")).collect();
    document(
        &format!(
            "    S0: {{type: object, properties: {{e: {{type: string, enum: [{}]}}}}}}\n",
            values.join(", ")
        ),
        true,
    )
}

/// `S0` holds `S1` by value, ..., `Sn`; no operation uses them.
fn struct_chain(n: usize) -> String {
    let mut schemas = String::new();
    for i in 0..n {
        schemas.push_str(&format!(
            "    S{i}: {{type: object, properties: {{v: {{type: string}}, next: {{$ref: '#/components/schemas/S{}'}}}}}}\n",
            i + 1
        ));
    }
    schemas.push_str(&format!(
        "    S{n}: {{type: object, properties: {{v: {{type: string}}}}}}\n"
    ));
    document(&schemas, false)
}

/// A shape: its name, how to write a spec of a given size, and the sizes to time.
type Shape = (&'static str, fn(usize) -> String, &'static [usize]);

fn main() {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    let cases: [Shape; 4] = [
        ("flow nesting", nesting, &[10_000, 100_000]),
        ("$ref chain", ref_chain, &[10_000, 100_000]),
        ("enum values", enum_values, &[10_000, 100_000]),
        ("struct chain", struct_chain, &[1_000, 10_000]),
    ];
    println!(
        "{:<14} {:>8} {:>9} {:>9} {:>12}",
        "shape", "size", "spec KB", "seconds", "output KB"
    );
    for (name, make, sizes) in cases {
        if !only.is_empty() && !only.iter().any(|word| name.contains(word.as_str())) {
            continue;
        }
        for &size in sizes {
            let spec = make(size);
            let started = Instant::now();
            let result = generator::generate(&spec, &generator::Options::new("shapes.yaml"));
            let seconds = started.elapsed().as_secs_f64();
            let output = match &result {
                Ok(files) => format!(
                    "{}",
                    files.iter().map(|file| file.contents.len()).sum::<usize>() / 1024
                ),
                Err(_) => "refused".to_owned(),
            };
            println!(
                "{name:<14} {size:>8} {:>9} {seconds:>9.2} {output:>12}",
                spec.len() / 1024
            );
        }
    }
}
