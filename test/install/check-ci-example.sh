#!/usr/bin/env bash
# Runs the CI job docs/deploying.md shows, as written, on the mlp test model
# with the build's tools, so that the page stays true.
# Usage: check-ci-example.sh SOURCE_DIR BUILD_DIR WORK_DIR
set -euo pipefail
source_dir=$1 build=$2 work=$3
rm -rf "$work" && mkdir -p "$work/models/classifier"
cp -r "$build/models/mlp/." "$work/models/classifier/"
sed -n '/^#!\/usr\/bin\/env bash$/,/^```$/p' "$source_dir/docs/deploying.md" |
  grep -v '^```$' > "$work/job.sh"
grep -q "lpu-run" "$work/job.sh"
(cd "$work" && PATH=$build/bin:$PATH bash job.sh > job.log)
for artifact in classifier.lpu classifier.report.json classifier.stats.json \
    classifier.info.txt; do
  [[ -s $work/artifacts/$artifact ]] || { echo "no artifact $artifact" >&2; exit 1; }
done
grep -q "^compare y: .*, ok" "$work/artifacts/classifier.check.txt"
