//! `--skip-unsupported`: a problem confined to one operation costs that operation (or, for
//! paging, its `_pages` method) and is listed; without the option, or for a problem outside
//! any operation, the spec is refused as before.

use generator::{generate, generate_report, Options};

const SPEC: &str = r#"
openapi: 3.0.3
info: { title: Skip, version: "1" }
paths:
  /things:
    get:
      operationId: ListThings
      parameters:
        - { name: offset, in: query, schema: { type: integer } }
        - { name: limit, in: query, schema: { type: integer } }
      x-pagination: { cursor: offset, limit: limit, items: things }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  things: { type: array, items: { type: string } }
    post:
      operationId: CreateThing
      parameters:
        - { name: session, in: cookie, schema: { type: string } }
      responses: { "200": { description: ok } }
  /things/{id}:
    delete:
      operationId: DeleteThing
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses: { "204": { description: gone } }
"#;

fn operations_rs(files: &[generator::GeneratedFile]) -> &str {
    files
        .iter()
        .find(|file| file.name == "src/operations.rs")
        .map(|file| file.contents.as_str())
        .unwrap()
}

#[test]
fn without_the_option_the_spec_is_refused_with_every_problem() {
    let error = generate(SPEC, &Options::new("skip.yaml")).unwrap_err();
    let paths: Vec<&str> = error.diagnostics.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "paths./things.get.x-pagination",
            "paths./things.post.parameters[0]"
        ]
    );
}

#[test]
fn with_the_option_only_what_is_unsupported_is_left_out_and_listed() {
    let mut options = Options::new("skip.yaml");
    options.skip_unsupported = true;
    let generated = generate_report(SPEC, &options).unwrap();
    let skipped: Vec<&str> = generated.skipped.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        skipped,
        [
            "paths./things.get.x-pagination",
            "paths./things.post.parameters[0]"
        ]
    );
    // Each says what it cost: the paging only, or the whole operation.
    let left_out: Vec<Option<&str>> = generated
        .skipped
        .iter()
        .map(|d| d.left_out.as_deref())
        .collect();
    assert_eq!(
        left_out,
        [
            Some("paths./things.get.x-pagination"),
            Some("paths./things.post")
        ]
    );
    // And the crate's docs list them, so a regeneration that leaves out more shows.
    let lib = generated
        .files
        .iter()
        .find(|file| file.name == "src/lib.rs")
        .unwrap();
    assert!(lib.contents.contains("//! # Left out"), "{}", lib.contents);
    assert!(lib
        .contents
        .contains("//! - `paths./things.post.parameters[0]`: a cookie parameter"));
    let client = operations_rs(&generated.files);
    // The list operation stays, without its pages; the form operation is gone.
    assert!(client.contains("pub async fn list_things("));
    assert!(!client.contains("fn list_things_pages("));
    assert!(!client.contains("fn create_thing("));
    assert!(client.contains("pub async fn delete_thing("));
}

/// A mistake in the spec is not something the generator cannot express: even confined to
/// one operation, it refuses the spec with the option on.
#[test]
fn a_mistake_inside_an_operation_still_refuses_the_spec() {
    // Two operations with one operationId; a path placeholder without its parameter.
    let duplicate_id = SPEC.replace("operationId: CreateThing", "operationId: DeleteThing");
    let lost_placeholder = SPEC.replace("/things/{id}:", "/things/{id}/{other}:");
    for spec in [duplicate_id, lost_placeholder] {
        let mut options = Options::new("skip.yaml");
        options.skip_unsupported = true;
        let error = generate_report(&spec, &options).unwrap_err();
        assert!(
            error
                .diagnostics
                .iter()
                .any(|d| d.kind == generator::Kind::Invalid),
            "{error}"
        );
    }
}

#[test]
fn a_problem_outside_any_operation_still_refuses_the_spec() {
    let spec = SPEC.replace(
        "paths:",
        "components:\n  schemas:\n    Bad: { type: object, properties: { x: { $ref: '#/components/schemas/Missing' } } }\npaths:",
    );
    let mut options = Options::new("skip.yaml");
    options.skip_unsupported = true;
    let error = generate_report(&spec, &options).unwrap_err();
    assert!(
        error
            .diagnostics
            .iter()
            .any(|d| d.path.starts_with("components.schemas.Bad")),
        "{error}"
    );
}

#[test]
fn every_paging_style_the_importer_writes_keeps_its_pages_method() {
    let spec = r#"
openapi: 3.0.3
info: { title: Styles, version: "1" }
paths:
  /jobs:
    get:
      operationId: ListJobs
      parameters:
        - { name: page_index, in: query, schema: { type: integer } }
        - { name: page_size, in: query, schema: { type: integer } }
      x-pagination: { page: page_index, first: 0, limit: page_size, items_path: result.job_list, total_path: result.total }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  result:
                    type: object
                    properties:
                      job_list: { type: array, items: { type: string } }
                      total: { type: integer }
  /balancers:
    get:
      operationId: ListBalancers
      parameters:
        - { name: marker, in: query, schema: { type: string } }
      x-pagination: { marker: marker, items: balancers, next_path: page_info.next_marker }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  balancers: { type: array, items: { type: string } }
                  page_info: { type: object, properties: { next_marker: { type: string } } }
  /subnets:
    get:
      operationId: ListSubnets
      parameters:
        - { name: marker, in: query, schema: { type: string } }
        - { name: limit, in: query, schema: { type: integer } }
      x-pagination: { marker: marker, limit: limit, items: subnets, next_item: id }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  subnets:
                    type: array
                    items: { type: object, required: [id], properties: { id: { type: string } } }
"#;
    let mut options = Options::new("styles.yaml");
    options.skip_unsupported = true;
    let generated = generate_report(spec, &options).unwrap();
    assert!(generated.skipped.is_empty(), "{:?}", generated.skipped);
    let client = operations_rs(&generated.files);
    assert!(client.contains("fn list_jobs_pages("));
    assert!(client.contains("rt::next_page("));
    assert!(client.contains("fn list_balancers_pages("));
    assert!(client.contains("fn list_subnets_pages("));
    assert!(client.contains("rt::next_item_marker("));
}
