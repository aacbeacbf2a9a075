#!/usr/bin/env bash
# Compile cost of the crate generated from spec/secmaster.yaml, against progenitor 0.15.1's
# crate for the same spec (without its multipart operations, which progenitor cannot take),
# measured in one run: wall time and peak memory of compiling each crate alone (debug,
# CARGO_INCREMENTAL=0, dependencies built beforehand), plus generation time and lines.
#
#   tools/compile_cost/compare.sh [WORKDIR]      (default: ${TMPDIR:-/tmp}/secmaster-compile-cost)
#
# Needs `cargo install cargo-progenitor --version 0.15.1` (PROGENITOR=path/to/cargo-progenitor
# to use another binary) and GNU time (/usr/bin/time). Writes nothing into the repository.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-${TMPDIR:-/tmp}/secmaster-compile-cost}"
progenitor="${PROGENITOR:-$(command -v cargo-progenitor || true)}"
if [ -z "$progenitor" ]; then
  echo "cargo-progenitor not found: cargo install cargo-progenitor --version 0.15.1" >&2
  exit 2
fi
mkdir -p "$work"
export CARGO_TERM_COLOR=never

# One timed build of a crate alone: prints "seconds rss_kib".
build_once() { # dir package [cargo args...]
  local dir="$1" package="$2"; shift 2
  local log
  log=$(mktemp)
  (cd "$dir" && cargo clean --quiet -p "$package")
  (cd "$dir" && CARGO_INCREMENTAL=0 /usr/bin/time -f "%e %M" cargo build --quiet "$@" 2> "$log" >/dev/null) || { cat "$log" >&2; exit 1; }
  tail -1 "$log"
  rm -f "$log"
}

median() { sort -n | awk '{ values[NR] = $1 } END { print values[int((NR + 1) / 2)] }'; }

# Builds each crate's dependencies, then times the crates alone, alternating between them
# ROUNDS times (default 3) so that drift on a shared machine hits both alike; prints the
# median time and the largest peak RSS of each.
compare() { # label dir package [cargo args...] -- label dir package [cargo args...] ...
  local rounds="${ROUNDS:-3}" specs=() spec
  while [ $# -gt 0 ]; do
    spec=""
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do spec+="$1"$'\x1f'; shift; done
    specs+=("$spec"); [ $# -gt 0 ] && shift
  done
  local index
  for index in "${!specs[@]}"; do
    IFS=$'\x1f' read -r -a parts <<< "${specs[$index]}"
    (cd "${parts[1]}" && cargo build --quiet "${parts[@]:3}" >/dev/null 2>&1 || cargo build "${parts[@]:3}")
    : > "$work/times.$index"
  done
  local round
  for round in $(seq "$rounds"); do
    for index in "${!specs[@]}"; do
      IFS=$'\x1f' read -r -a parts <<< "${specs[$index]}"
      build_once "${parts[1]}" "${parts[2]}" "${parts[@]:3}" >> "$work/times.$index"
    done
  done
  for index in "${!specs[@]}"; do
    IFS=$'\x1f' read -r -a parts <<< "${specs[$index]}"
    local seconds rss
    seconds=$(awk '{print $1}' "$work/times.$index" | median)
    rss=$(awk '{print $2}' "$work/times.$index" | sort -n | tail -1)
    printf '%-40s %8.2f s %7d MiB   (runs: %s)\n' "${parts[0]}" "$seconds" "$((rss / 1024))" \
      "$(awk '{printf "%s ", $1}' "$work/times.$index")"
  done
}

echo "== generating"
cd "$repo"
cargo build --quiet -p xtask
start=$(date +%s.%N)
# Outside the checkout the crate would name the runtime by version from crates.io: this
# scratch crate uses this checkout's runtime by path. The xtask writes its Cargo.lock (the
# workspace's versions, about 0.5 s of `cargo update --offline` inside the time below).
./target/debug/xtask codegen --spec spec/secmaster.yaml --out "$work/ours" --package secmaster-ours \
  --runtime-path "$repo/runtime" >/dev/null
ours_gen=$(echo "$(date +%s.%N) - $start" | bc)
python3 - "$repo/spec/secmaster.yaml" "$work/spec-no-multipart.json" <<'PY'
import json, sys
sys.path.insert(0, "")
try:
    import yaml
except ImportError:
    sys.exit("PyYAML is needed to drop the multipart operations (pip install pyyaml)")
spec = yaml.safe_load(open(sys.argv[1]))
for path, item in list(spec["paths"].items()):
    for method, operation in list(item.items()):
        body = operation.get("requestBody", {}) if isinstance(operation, dict) else {}
        if any(media.startswith("multipart/") for media in body.get("content", {})):
            del item[method]
    if not any(isinstance(value, dict) and "operationId" in value for value in item.values()):
        del spec["paths"][path]
json.dump(spec, open(sys.argv[2], "w"))
PY
rm -rf "$work/progenitor"
start=$(date +%s.%N)
"$progenitor" progenitor -i "$work/spec-no-multipart.json" -o "$work/progenitor" -n secmaster-progenitor -v 0.1.0 >/dev/null 2>&1
prog_gen=$(echo "$(date +%s.%N) - $start" | bc)
ours_lines=$(cat "$work"/ours/src/*.rs | wc -l)
prog_lines=$(cat "$work"/progenitor/src/*.rs | wc -l)
printf '%-34s %8.2f s %9d lines of Rust\n' "ours (cargo xtask codegen, dev)" "$ours_gen" "$ours_lines"
printf '%-34s %8.2f s %9d lines of Rust\n' "progenitor 0.15.1" "$prog_gen" "$prog_lines"

# The tag with the most operations: the costliest single-tag build.
tag=$(python3 - "$repo/spec/secmaster.yaml" <<'PY'
import collections, re, sys
counts = collections.Counter(re.findall(r"^      tags:\n        - (\S+)", open(sys.argv[1]).read(), re.M))
print(counts.most_common(1)[0][0])
PY
)
feature=$(python3 -c "import re,sys; print(re.sub(r'(?<!^)(?=[A-Z])', '-', sys.argv[1]).lower())" "$tag")

echo "== compiling each crate alone (debug, CARGO_INCREMENTAL=0): median wall time, peak RSS"
compare "ours (whole spec)" "$work/ours" secmaster-ours \
  -- "progenitor 0.15.1" "$work/progenitor" secmaster-progenitor \
  -- "ours, only tag $tag (feature $feature)" "$work/ours" secmaster-ours --no-default-features --features "$feature"
