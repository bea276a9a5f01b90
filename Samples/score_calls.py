#!/usr/bin/env python3
"""Score callpulse against labelled calls: frame F1 per party, talk share, interruption and
dead-air counts, rings. One scorer for every labelled set: the bundled Samples, the calls
`make_calls.py` generates, and real recordings turned into labelled files by
`make_calls.py degrade` (layout `mixed`).

Usage:
    score_calls.py [--bin PATH] [--per-call] [--json OUT] DIR_OR_LABELS [...]

Each `NAME.labels.json` names its WAV (`wav`, beside it) and layout; the WAV is analysed with
`callpulse analyze --json --no-store --layout LAYOUT`, and the summary compared with the labels:

- speech F1: 10 ms frames, the union of a party's labelled segments against the union of its
  detected ones (precision, recall, F1 per call and party; the mean over calls, and the
  worst call);
- share error: |agent_share - placed share|, the placed share over the placed conversation
  window (answered_s, or 0, to the end of the last placed speech), as SPEC defines it;
- interruptions, dead air: the count equals the placed count (`expect`);
- rings: count, answered, and ring-to-answer within 0.1 s equal the placed ones; no ring
  found where none was placed.

Standard library only. Exit status 0 whatever the scores (this is a measuring tool).
"""

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

FRAME_S = 0.01
RING_TO_ANSWER_TOLERANCE_S = 0.1


def frames(seconds):
    return int(round(seconds / FRAME_S))


def frame_set(segments, party):
    marked = set()
    for s in segments:
        if s["party"] == party:
            marked.update(range(frames(s["start_s"]), frames(s["end_s"])))
    return marked


def prf(truth, found):
    hit = len(truth & found)
    precision = hit / len(found) if found else (1.0 if not truth else 0.0)
    recall = hit / len(truth) if truth else (1.0 if not found else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return precision, recall, f1


def placed_share(labels):
    segments = labels["segments"]
    if not segments:
        return None
    ring = labels.get("ring")
    if ring and not ring.get("answered", True):
        return None
    start = frames(ring["answered_s"]) if ring and ring.get("answered_s") is not None else 0
    end = max(frames(s["end_s"]) for s in segments)
    window = set(range(start, end))
    agent = len(frame_set(segments, "agent") & window)
    customer = len(frame_set(segments, "customer") & window)
    return agent / (agent + customer) if agent + customer else None


def analyze(binary, wav, layout):
    cmd = [binary, "analyze", "--json", "--no-store", "--layout", layout, wav]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{wav}: exit {done.returncode}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def score_call(binary, label_path):
    with open(label_path) as f:
        labels = json.load(f)
    wav = os.path.join(os.path.dirname(label_path), labels["wav"])
    summary = analyze(binary, wav, labels["layout"])
    result = {"call": os.path.basename(label_path).replace(".labels.json", ""),
              "conditions": labels.get("conditions")}
    layout = labels["layout"]
    parties = ["mixed"] if layout == "mixed" else (["agent", "customer"] if labels["channels"] == 2 else ["agent"])
    for party in parties:
        truth = frame_set(labels["segments"], party)
        found = frame_set(summary["segments"], party)
        if not truth and not found:
            continue
        p, r, f = prf(truth, found)
        result[party] = {"precision": p, "recall": r, "f1": f,
                         "false_s": len(found - truth) * FRAME_S, "missed_s": len(truth - found) * FRAME_S}
    if len(parties) == 2:
        share = summary["talk"]["agent_share"]
        placed = placed_share(labels)
        if placed is not None:
            result["share_error"] = abs(share - placed) if share is not None else 1.0
        expect = labels.get("expect") or {}
        if "interruptions" in expect:
            result["interruptions"] = (len(summary["interruptions"]), len(expect["interruptions"]))
        if "dead_air" in expect:
            found_dead = sum(1 for p in summary["pauses"] if p["dead_air"])
            result["dead_air"] = (found_dead, len(expect["dead_air"]))
    placed_ring = labels.get("ring")
    ring = summary.get("ring")
    if placed_ring or ring:
        ok = bool(placed_ring and ring)
        why = []
        if not placed_ring:
            why.append("ring found where none placed")
        elif not ring:
            why.append("no ring found")
        else:
            if ring["rings"] != placed_ring["rings"]:
                ok = False
                why.append(f"rings {ring['rings']} placed {placed_ring['rings']}")
            if bool(ring["answered"]) != bool(placed_ring["answered"]):
                ok = False
                why.append(f"answered {ring['answered']} placed {placed_ring['answered']}")
            placed_rta = placed_ring.get("ring_to_answer_s")
            if placed_rta is not None:
                found_rta = ring.get("ring_to_answer_s")
                error = abs(found_rta - placed_rta) if found_rta is not None else None
                result["ring_to_answer_error"] = error
                if error is None or error > RING_TO_ANSWER_TOLERANCE_S:
                    ok = False
                    why.append(f"ring-to-answer {found_rta} placed {placed_rta}")
        result["ring"] = {"ok": ok, "why": "; ".join(why)}
    return result


def label_files(paths):
    out = []
    for path in paths:
        if os.path.isdir(path):
            out += sorted(os.path.join(path, n) for n in os.listdir(path) if n.endswith(".labels.json"))
        else:
            out.append(path)
    return out


def mean(values):
    return sum(values) / len(values) if values else float("nan")


def report(results, per_call):
    lines = []
    if per_call:
        for r in results:
            parts = [r["call"]]
            for party in ("agent", "customer", "mixed"):
                if party in r:
                    s = r[party]
                    parts.append(f"{party} F1 {s['f1']:.3f} (P {s['precision']:.2f} R {s['recall']:.2f}, +{s['false_s']:.1f}s -{s['missed_s']:.1f}s)")
            if "share_error" in r:
                parts.append(f"share err {r['share_error']:.3f}")
            if "interruptions" in r:
                parts.append("intr %d/%d" % r["interruptions"])
            if "dead_air" in r:
                parts.append("dead %d/%d" % r["dead_air"])
            if "ring" in r:
                parts.append("ring ok" if r["ring"]["ok"] else "RING: " + r["ring"]["why"])
            lines.append("  ".join(parts))
    lines.append(f"calls: {len(results)}")
    for party in ("agent", "customer", "mixed"):
        scored = [r for r in results if party in r]
        if not scored:
            continue
        f1s = [r[party]["f1"] for r in scored]
        worst = min(scored, key=lambda r: r[party]["f1"])
        lines.append(
            f"{party}: F1 mean {mean(f1s):.3f}, precision {mean([r[party]['precision'] for r in scored]):.3f}, "
            f"recall {mean([r[party]['recall'] for r in scored]):.3f}, worst {worst[party]['f1']:.3f} ({worst['call']}), "
            f"below 0.90: {sum(1 for f in f1s if f < 0.90)} of {len(f1s)}")
    shares = [r["share_error"] for r in results if "share_error" in r]
    if shares:
        lines.append(f"share error: mean {mean(shares):.3f}, max {max(shares):.3f}, within 0.02: {sum(1 for s in shares if s <= 0.02)} of {len(shares)}")
    for key in ("interruptions", "dead_air"):
        counted = [r[key] for r in results if key in r]
        if counted:
            exact = sum(1 for found, placed in counted if found == placed)
            error = mean([abs(found - placed) for found, placed in counted])
            lines.append(f"{key}: exact {exact} of {len(counted)} ({100 * exact / len(counted):.0f} %), mean count error {error:.2f}")
    rings = [r for r in results if "ring" in r]
    if rings:
        errors = [r["ring_to_answer_error"] for r in rings if r.get("ring_to_answer_error") is not None]
        lines.append(f"rings: exact {sum(1 for r in rings if r['ring']['ok'])} of {len(rings)}"
                     + (f", ring-to-answer error max {max(errors):.2f} s" if errors else ""))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--bin", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build", "release", "callpulse"))
    parser.add_argument("--per-call", action="store_true")
    parser.add_argument("--json", dest="json_out")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    files = label_files(args.paths)
    if not files:
        sys.exit("score_calls: no .labels.json files found")
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda path: score_call(args.bin, path), files))
    print(report(results, args.per_call))
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
