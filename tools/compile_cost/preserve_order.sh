#!/usr/bin/env bash
# What serde_json's `preserve_order` (JSON objects keep the order their keys were given in,
# as the official SDK sends them) costs: the release build of a scratch crate using
# serde_json without and with the feature, and the time per call of building a 12-key object
# in unsorted order, serialising it and parsing it back. Scratch crates go under
# ${TMPDIR:-/tmp}/preserve-order-cost; needs only crates.io.
set -euo pipefail
root="${TMPDIR:-/tmp}/preserve-order-cost"
mkdir -p "$root"
for variant in sorted preserve; do
  mkdir -p "$root/$variant/src"
  features=""
  [ "$variant" = preserve ] && features=', features = ["preserve_order"]'
  cat > "$root/$variant/Cargo.toml" <<TOML
[package]
name = "preserve-order-$variant"
version = "0.1.0"
edition = "2021"
publish = false
[dependencies]
serde_json = { version = "1"$features }
[workspace]
TOML
  cat > "$root/$variant/src/main.rs" <<'RUST'
use std::time::Instant;
fn main() {
    let keys = ["zeta", "alpha", "mid", "omega", "beta", "kappa", "delta", "eta", "gamma", "iota", "lambda", "nu"];
    let rounds = 200_000;
    let start = Instant::now();
    let mut total = 0usize;
    for round in 0..rounds {
        let mut map = serde_json::Map::new();
        for (i, key) in keys.iter().enumerate() {
            map.insert((*key).to_owned(), serde_json::json!({"n": i + round, "s": "value é"}));
        }
        let text = serde_json::to_string(&map).expect("serialises");
        let back: serde_json::Value = serde_json::from_str(&text).expect("parses");
        total += text.len() + back.as_object().map_or(0, |m| m.len());
    }
    let nanos = start.elapsed().as_nanos() as f64 / rounds as f64;
    println!("{nanos:.0} ns per call (checksum {total})");
}
RUST
  (cd "$root/$variant" && rm -rf target && /usr/bin/time -f "$variant: release build %e s wall, %U s user" cargo build --release -q)
done
for round in 1 2 3; do
  for variant in sorted preserve; do
    printf '%s round %s: ' "$variant" "$round"
    "$root/$variant/target/release/preserve-order-$variant"
  done
done
