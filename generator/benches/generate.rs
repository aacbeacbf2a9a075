//! How long generation takes: on the real spec, and on a synthetic spec of 1,000 operations
//! and 500 schemas that this benchmark builds itself (the size of a whole service).
//!
//! `cargo bench -p generator --bench generate`

use std::fmt::Write;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};

const OPERATIONS: usize = 1_000;
const SCHEMAS: usize = 500;

/// A spec with `OPERATIONS` operations (GET/POST/PUT/DELETE on 250 paths) using path, query
/// (scalar and array), header and body parameters, 200 and 400 responses with headers, over
/// `SCHEMAS` schemas with nested objects, enums, arrays and maps.
fn synthetic_spec() -> String {
    let mut spec = String::from(
        "openapi: 3.0.3\ninfo:\n  title: Synthetic\n  version: v1\nservers:\n  - url: https://synthetic.{region}.example.com\n    variables:\n      region:\n        default: r-1\n        enum: [r-1, r-2]\npaths:\n",
    );
    for path_index in 0..OPERATIONS / 4 {
        let schema = path_index % SCHEMAS;
        let _ = writeln!(
            spec,
            "  /v1/{{project_id}}/things{path_index}/{{thing_id}}:"
        );
        for method in ["get", "post", "put", "delete"] {
            let _ = write!(
                spec,
                r#"    {method}:
      operationId: {method}Thing{path_index}
      summary: Does {method} on thing {path_index}.
      parameters:
        - {{name: project_id, in: path, required: true, schema: {{type: string}}, description: Project ID.}}
        - {{name: thing_id, in: path, required: true, schema: {{type: string}}, description: Thing ID.}}
        - {{name: limit, in: query, schema: {{type: integer, format: int32}}, description: Page size.}}
        - {{name: tags, in: query, schema: {{type: array, items: {{type: string}}}}, description: Tags.}}
        - {{name: X-Language, in: header, schema: {{type: string}}, description: Language.}}
"#
            );
            if method == "post" || method == "put" {
                let _ = write!(
                    spec,
                    "      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/Model{schema}'}}\n"
                );
            }
            let _ = write!(
                spec,
                r#"      responses:
        '200':
          description: OK.
          headers:
            X-request-id: {{schema: {{type: string}}, description: Request ID.}}
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Model{schema}'}}
        '400':
          description: Bad request.
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Error'}}
"#
            );
        }
    }
    spec.push_str("components:\n  schemas:\n    Error:\n      type: object\n      properties:\n        code: {type: string}\n        message: {type: string}\n");
    for index in 0..SCHEMAS {
        let _ = write!(
            spec,
            r#"    Model{index}:
      type: object
      description: Model number {index}.
      required: [name, kind]
      properties:
        name: {{type: string, description: Name.}}
        kind: {{type: string, enum: [ALPHA, BETA, GAMMA], description: Kind.}}
        count: {{type: integer, format: int64}}
        ratio: {{type: number}}
        enabled: {{type: boolean}}
        labels: {{type: array, items: {{type: string}}}}
        attributes: {{type: object, additionalProperties: {{type: string}}}}
        content: {{type: object}}
        detail:
          type: object
          properties:
            created_at: {{type: string}}
            owner: {{type: string}}
        next: {{$ref: '#/components/schemas/Model{next}'}}
"#,
            // Recursion as real specs have it: short cycles (a model, its child, back).
            next = index - index % 4 + (index + 1) % 4
        );
    }
    spec
}

fn benches(criterion: &mut Criterion) {
    let real = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/secmaster.yaml"
    ))
    .expect("spec/secmaster.yaml");
    let synthetic = synthetic_spec();
    let output = generator::generate(&synthetic, &generator::Options::new("synthetic.yaml"))
        .expect("the synthetic spec generates");
    let lines: usize = output
        .iter()
        .map(|file| file.contents.lines().count())
        .sum();
    eprintln!("synthetic spec: {} bytes of YAML, {OPERATIONS} operations, {SCHEMAS} schemas -> {lines} lines of Rust", synthetic.len());

    let mut group = criterion.benchmark_group("generate");
    group.sample_size(10);
    group.bench_function("secmaster_spec", |bench| {
        bench.iter(|| {
            generator::generate(
                black_box(&real),
                &generator::Options::new("spec/secmaster.yaml"),
            )
        })
    });
    group.bench_function("synthetic_1000_operations_parse_only", |bench| {
        bench.iter(|| generator::parse(black_box(&synthetic)))
    });
    group.bench_function("synthetic_1000_operations", |bench| {
        bench.iter(|| {
            generator::generate(
                black_box(&synthetic),
                &generator::Options::new("synthetic.yaml"),
            )
        })
    });
    group.finish();
}

criterion_group!(generate, benches);
criterion_main!(generate);
