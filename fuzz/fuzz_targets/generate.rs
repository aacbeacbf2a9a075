//! Arbitrary bytes, read as (lossy) UTF-8 spec text, into `generator::generate`.
//!
//! A bug is: a panic, a hang (libFuzzer's `-timeout`), or an `Ok` whose files do not parse
//! with `syn::parse_file`. An `Err` is the generator refusing the spec, which is fine.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(files) = generator::generate(&text, &generator::Options::new("fuzz.yaml")) {
        for file in files.iter().filter(|file| file.name.ends_with(".rs")) {
            if let Err(error) = syn::parse_file(&file.contents) {
                panic!(
                    "generated {} does not parse: {error}\n--- output ---\n{}",
                    file.name, file.contents
                );
            }
        }
    }
});
