#!/usr/bin/env bash
# Regenerate the labelled sample calls in Samples/ (WAV + NAME.labels.json each).
# Needs espeak-ng, sox and python3 (standard library only). Deterministic: fixed texts,
# fixed placements, sox noise seeded with `sox -R`; the same tools give the same files.
#   bash Samples/make-samples.sh            # all calls
#   ONLY=call-clean bash Samples/make-samples.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for tool in espeak-ng sox python3; do
    command -v "$tool" >/dev/null || { echo "make-samples: $tool is not installed (apt-get install $tool)" >&2; exit 1; }
done

export PYTHONDONTWRITEBYTECODE=1
export LC_ALL=C
python3 "$here/make_samples.py" "$here"

echo "make-samples: total size $(du -sh "$here" | cut -f1)"
