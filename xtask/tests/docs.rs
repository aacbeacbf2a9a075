//! The documentation users read builds without a single rustdoc warning: `cargo doc
//! --no-deps` with `RUSTDOCFLAGS="-D warnings"` for the runtime (mock included), the
//! SecMaster crate and two fixture crates (a sample of the generator's output: names that
//! meet generated code, and required values of every shape in the examples), in a target
//! directory of its own so the flags do not invalidate the workspace's builds.
//!
//! It also checks that the generated crate's `ClientBuilder` page shows the builder's
//! methods: the alias's page renders the aliased type's impls from a `type.impl` file that
//! rustdoc writes for the alias's crate, so a user of the generated crate never needs to
//! open the runtime's pages to find, say, `proxy_from_env`.

use std::path::Path;
use std::process::Command;

#[test]
fn rustdoc_builds_without_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("rustdoc");
    let output = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "doc",
            "--no-deps",
            "--quiet",
            "-p",
            "huaweicloud-sdk-core",
            "-p",
            "huaweicloud-secmaster",
            "-p",
            "fixture-example-shapes",
            "-p",
            "fixture-names-that-meet-generated-code",
            "--features",
            "huaweicloud-sdk-core/mock",
        ])
        .env("RUSTDOCFLAGS", "-D warnings")
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "rustdoc warnings:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let doc = target.join("doc");
    let alias_page =
        std::fs::read_to_string(doc.join("huaweicloud_secmaster/type.ClientBuilder.html"))
            .expect("the generated crate documents its ClientBuilder");
    assert!(
        alias_page.contains("type.impl/huaweicloud_sdk_core/builder/struct.ClientBuilder.js"),
        "the alias page does not load the builder's impls"
    );
    let impls = std::fs::read_to_string(
        doc.join("type.impl/huaweicloud_sdk_core/builder/struct.ClientBuilder.js"),
    )
    .expect("rustdoc writes the builder's impls for the alias pages");
    let for_secmaster = impls
        .split("[\"huaweicloud_secmaster\",")
        .nth(1)
        .expect("the impls are listed for the generated crate's alias");
    for method in ["proxy_from_env", "region", "credentials", "build"] {
        assert!(
            for_secmaster.contains(&format!("id=\\\"method.{method}\\\"")),
            "the ClientBuilder page of the generated crate does not show `{method}`"
        );
    }
}
