#!/usr/bin/env python3
"""Seeded, deterministic generator of labelled two-party calls (issue 8), and degraded
variants of real mono recordings.

Standard library only (no numpy): needs python3, espeak-ng and sox, like make_samples.py,
whose pieces it imports (synthesis conventions, trimming, level measurement, the label JSON
layout). Every random choice of a call comes from `random.Random(seed)`; sox noise is made
with `sox -R` (fixed seed) at a seed-chosen offset, so the same seed and the same tools give
the same bytes. Labels come from the placed CLEAN speech, never from a detector.

Usage:
  python3 Samples/make_calls.py --seeds 1-40 --out DIR [--real-voices tune|held-out|none] [--jobs 2]
      writes DIR/call-SEED.wav + DIR/call-SEED.labels.json per seed, one summary line per
      call on stderr. `--seeds` takes ranges and lists: 1-40, 3,7,100-120.
      `--real-dir` sets where the real voices are (default ../shared/data/real-dev/sppas).
      `--set KEY=VALUE` (repeatable) pins a condition after the draws, e.g.
      `--set noise.customer=babble:12 --set ring=on` (keys: see `apply_overrides`).
  python3 Samples/make_calls.py degrade --in DIR_OR_WAV --out DIR
          --variant clean16|8k|8k-noise10|8k-babble10|8k-brown10 [--seed S] [--half tune|held-out|all]
      writes each real mono recording (NAME.wav + NAME.json {"speech": [[s, e], ...]}, or a
      WAV with its .rttm beside it) in that variant, with NAME.labels.json (layout mixed).
  python3 Samples/make_calls.py verify DIR
      re-measures every DIR/*.labels.json call with sox (noise and speech levels against the
      labels) and prints one line per call.

Each call randomises (all recorded under `conditions` in the label file):
  voices (espeak-ng languages x variants, pitch, speed; or a real hand-labelled recording
  from one fixed half of real-dev/sppas: `held-out` = HELD_OUT_REAL, 8 recordings whose
  speakers have no other recording, `tune` = the other 16);
  speech level per party (-35..-8 dBFS active RMS); noise per channel (white, pink, brown,
  hum + harmonics, babble of 4-8 espeak voices, office transients, or none) at 10-30 dB SNR
  (SNR = speech active RMS / noise RMS; for office transients the noise's active RMS);
  leak of each party's line into the other channel (-15..-35 dB, 0-60 ms, through a decaying
  random impulse response whose L2 norm is the leak gain), sometimes none; sample rate
  8/16/48 kHz; 300-3400 Hz band-limiting on some (applied to every component before its level
  is set, so labelled levels hold); pcm16 / float32 / mu-law / A-law (G.711 only at 8 kHz);
  rings on about half the calls (national plans, 1-6 rings, tone 6-20 dB over the line
  noise, noise from 0, sometimes agent speech before the first ring, a few abandoned).
Channel 0 = agent, channel 1 = customer, always. When a channel's mix would peak above 0.95,
the whole call (both channels) is scaled down by `conditions.global_gain_db`: the top-level
`speech_dbfs`, `noise_dbfs` and `ring.tone_dbfs` are the levels in the file (after that gain);
the values inside `conditions` are the design values before it. Leak and noise are not leaked
further (only each party's clean line, with the ringing on the customer's, leaks).
"""

import array
import json
import math
import multiprocessing
import operator
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True      # no __pycache__ in Samples/
import make_samples as ms  # noqa: E402
import make_calls_texts as T  # noqa: E402

r2 = ms.r2
db_to_gain = ms.db_to_gain
gain_to_db = ms.gain_to_db
Failure = ms.Failure
run = ms.run

GENERATOR = "make_calls.py/1"
DEFAULT_REAL_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "real-dev", "sppas"))
BAND = "300-3400"
SPEECH_DBFS = (-35.0, -8.0)
SNR_DB = (10.0, 30.0)
LEAK_DB = (-35.0, -15.0)
LEAK_DELAY_S = (0.0, 0.060)
LEAK_IR_S = (0.005, 0.030)
DURATION_S = (40.0, 150.0)
TONE_OVER_NOISE_DB = (6.0, 20.0)
TONE_MAX_DBFS = -12.0
MIX_PEAK_MAX = 0.95           # the whole call is scaled down (both channels alike) above this
REAL_GAP_MIN_S = 0.25         # internal gaps of a real cut (labels bridge < 0.2 s)

# ----------------------------------------------------------------------------------------
# Ring plans: frequencies and cadences from Tests/CallPulseCoreTests/TonePlanFixtures.swift,
# plus the 400+425 Hz double ring of the issue. (name, tone_hz, modulation_hz, on/off).

RING_PLANS = [
    ("NL 425 1.0/4.0", [425], None, [1.0, 4.0]),
    ("DE 425 1.0/4.0", [425], None, [1.0, 4.0]),
    ("BE 425 1.0/3.0", [425], None, [1.0, 3.0]),
    ("FR 440 1.5/3.5", [440], None, [1.5, 3.5]),
    ("ES 425 1.5/3.0", [425], None, [1.5, 3.0]),
    ("IT 425 1.0/4.0", [425], None, [1.0, 4.0]),
    ("UK 400+450 double", [400, 450], None, [0.4, 0.2, 0.4, 2.0]),
    ("IE 400+450 double", [400, 450], None, [0.4, 0.2, 0.4, 2.0]),
    ("US 440+480 2.0/4.0", [440, 480], None, [2.0, 4.0]),
    ("JP 400*16 1.0/2.0", [400], 16, [1.0, 2.0]),
    ("AU 413+438 double", [413, 438], None, [0.4, 0.2, 0.4, 2.0]),
    ("AU 425*25 double", [425], 25, [0.4, 0.2, 0.4, 2.0]),
    ("IN 400*25 double", [400], 25, [0.4, 0.2, 0.4, 2.0]),
    ("CN 450 1.0/4.0", [450], None, [1.0, 4.0]),
    ("RU 425 0.8/3.2", [425], None, [0.8, 3.2]),
    ("SE 425 1.0/5.0", [425], None, [1.0, 5.0]),
    ("PT 425 1.0/5.0", [425], None, [1.0, 5.0]),
    ("AT 420 1.0/5.0", [420], None, [1.0, 5.0]),
    ("ZA 400*33 double", [400], 33, [0.4, 0.2, 0.4, 2.0]),
    ("US old 420*40 2.0/4.0", [420], 40, [2.0, 4.0]),
    ("TW 440+480 1.0/2.0", [440, 480], None, [1.0, 2.0]),
    ("HK 440+480 double", [440, 480], None, [0.4, 0.2, 0.4, 3.0]),
    ("400+425 double", [400, 425], None, [0.4, 0.2, 0.4, 2.0]),
]
AM_DEPTH = 0.85

# ----------------------------------------------------------------------------------------
# espeak-ng voices: a fixed list (filtered by what the installed espeak-ng has, so the same
# tools give the same choices). Variants with their gender; robots and whispers left out.

ESPEAK_LANGS = [
    "en-us", "en-gb", "en-gb-scotland", "en-029", "en-gb-x-rp", "en-us-nyc", "de", "nl", "fr-fr",
    "fr-be", "es", "es-419", "it", "pt", "pt-br", "sv", "da", "nb", "fi", "pl", "cs", "sk", "hu",
    "ro", "ru", "uk", "el", "tr", "hi", "id", "ms", "vi", "cmn", "ja", "ko", "af", "sw", "cy",
    "ga", "is", "hr", "bg", "lt", "lv", "et", "ca", "eu", "ta", "bn", "ar", "he", "sq", "sl",
]
ESPEAK_VARIANTS = {
    "m1": "m", "m2": "m", "m3": "m", "m4": "m", "m5": "m", "m6": "m", "m7": "m", "m8": "m",
    "f1": "f", "f2": "f", "f3": "f", "f4": "f", "f5": "f", "croak": "m", "klatt": "m",
    "klatt2": "m", "klatt3": "m", "klatt4": "m", "grandma": "f", "grandpa": "m", "Alicia": "f",
    "Andrea": "f", "Annie": "f", "aunty": "f", "belinda": "f", "linda": "f", "steph": "f",
    "steph2": "f", "anika": "f", "adam": "m", "Alex": "m", "Andy": "m", "david": "m",
    "Denis": "m", "Gene": "m", "john": "m", "Lee": "m", "max": "m", "Mike": "m", "paul": "m",
    "robert": "m", "travis": "m", "victor": "m", "norbert": "m", "shelby": "m", "edward": "m",
}
_installed = None


def installed_voices():
    """(languages, variants) of ESPEAK_* that the installed espeak-ng knows."""
    global _installed
    if _installed is None:
        langs = subprocess.run(["espeak-ng", "--voices"], check=True, capture_output=True, text=True).stdout
        have = {line.split()[1] for line in langs.splitlines()[1:] if len(line.split()) > 1}
        var = subprocess.run(["espeak-ng", "--voices=variant"], check=True, capture_output=True, text=True).stdout
        have_v = {line.split()[4].split("/")[-1] for line in var.splitlines()[1:] if len(line.split()) > 4}
        _installed = ([l for l in ESPEAK_LANGS if l in have], [v for v in ESPEAK_VARIANTS if v in have_v])
    return _installed


def espeak_voice(rng, avoid=None):
    langs, variants = installed_voices()
    for _ in range(100):
        v = {"kind": "espeak", "lang": rng.choice(langs), "variant": rng.choice(variants),
             "pitch": rng.randint(20, 80), "speed": rng.randint(135, 195)}
        v["gender"] = ESPEAK_VARIANTS[v["variant"]]
        if avoid is None or avoid.get("kind") != "espeak":
            return v
        # the two parties clearly apart: another gender, or another language and a distant pitch
        if v["gender"] != avoid["gender"] or (v["lang"] != avoid["lang"] and abs(v["pitch"] - avoid["pitch"]) >= 25):
            return v
    raise Failure("no distinct voice found")


def espeak_args(v, speed=None):
    return ["-v", f"{v['lang']}+{v['variant']}", "-p", str(v["pitch"]), "-s", str(speed or v["speed"])]


def voice_name(v):
    if v["kind"] == "real":
        return "real:" + v["name"]
    return f"{v['lang']}+{v['variant']} p{v['pitch']} s{v['speed']}"


# ----------------------------------------------------------------------------------------
# Audio helpers (generalised versions of make_samples.py pieces; arrays for long buffers)

def parse_seeds(text):
    out = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-", 1)
            out.extend(range(int(a), int(b) + 1))
        else:
            out.append(int(part))
    return out


def raw_args(rate):
    return ["-t", "f32", "-r", str(rate), "-c", "1"]


def write_f32(path, samples):
    a = samples if isinstance(samples, array.array) and samples.typecode == "f" else array.array("f", samples)
    if sys.byteorder == "big":
        a = array.array("f", a)
        a.byteswap()
    with open(path, "wb") as f:
        a.tofile(f)


def read_f32(path):
    a = array.array("f")
    with open(path, "rb") as f:
        a.frombytes(f.read())
    if sys.byteorder == "big":
        a.byteswap()
    return a


def sox_stat(args, effects=()):
    """RMS and peak of what `sox ARGS -n EFFECTS stat` reads."""
    res = subprocess.run(["sox", *args, "-n", *effects, "stat"], check=True, capture_output=True, text=True)
    got = {}
    for line in res.stderr.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            try:
                got[" ".join(k.split())] = float(v.split()[0])
            except (ValueError, IndexError):
                pass
    return {"rms": got["RMS amplitude"], "peak": max(got["Maximum amplitude"], -got["Minimum amplitude"])}


def frame_ms(samples, rate, ivals=None, step=1):
    """Mean square of each 10 ms frame (inside `ivals`, seconds, when given); every `step`th
    sample only when step > 1 (for a quick estimate)."""
    n = rate // 100
    spans = [(0, len(samples) // n)] if ivals is None else [
        (int(round(a * 100)), min(len(samples) // n, int(round(b * 100)))) for a, b in ivals]
    out = []
    mul = operator.mul
    for f0, f1 in spans:
        for f in range(f0, f1):
            seg = samples[f * n:(f + 1) * n:step]
            out.append(sum(map(mul, seg, seg)) / len(seg))
    return out


def active_rms_in(samples, rate, ivals=None, step=1):
    """make_samples.active_rms generalised: frames within ACTIVE_FRAME_RANGE_DB of the
    loudest, optionally only inside the labelled intervals `ivals`."""
    frames = frame_ms(samples, rate, ivals, step)
    loudest = max(frames)
    floor = loudest * db_to_gain(-ms.ACTIVE_FRAME_RANGE_DB) ** 2
    active = [f for f in frames if f > floor]
    return math.sqrt(sum(active) / len(active))


def normalise_to(samples, rate, target_dbfs, ivals=None):
    """make_samples.normalise generalised (level measured inside `ivals`) and made fast:
    the soft-saturation drive is bisected on a 4 kHz view (every 2nd-12th sample), then an exact linear
    correction puts the active RMS on the target (peaks stay about LIMIT_CEILING)."""
    target = db_to_gain(target_dbfs)
    g = target / active_rms_in(samples, rate, ivals)
    base = [x * g for x in samples]
    if max(map(abs, base)) <= ms.LIMIT_CEILING:
        return base
    L = ms.LIMIT_CEILING
    step = max(1, rate // 4000)
    tanh = math.tanh

    def driven(k, s=base):
        return [L * tanh(k * x / L) for x in s]

    sub, sub_rate = base[::step], rate // step      # 4 kHz view for the search
    lo, hi = 1.0, 64.0
    if active_rms_in(driven(hi, sub), sub_rate, ivals) < target:
        raise Failure(f"cannot bring a voice to {target_dbfs} dBFS without clipping")
    for _ in range(18):
        mid = math.sqrt(lo * hi)
        if active_rms_in(driven(mid, sub), sub_rate, ivals) < target:
            lo = mid
        else:
            hi = mid
    out = driven(hi)
    c = target / active_rms_in(out, rate, ivals)
    return [x * c for x in out]


# ----------------------------------------------------------------------------------------
# Synthesis (make_samples.Synth generalised to any voice) and real recordings

class Synth:
    def __init__(self, tmp):
        self.tmp = tmp
        self.cache = {}
        self.count = 0

    def utterance(self, args, text, rate, band):
        key = (tuple(args), text, rate, band)
        if key not in self.cache:
            self.count += 1
            raw = os.path.join(self.tmp, f"u{self.count}.wav")
            res = os.path.join(self.tmp, f"u{self.count}-r.wav")
            run(["espeak-ng", *args, "-w", raw, text])
            run(["sox", "-R", "-D", raw, "-r", str(rate), "-b", "16", res, *(["sinc", BAND] if band else [])])
            samples, got = ms.read_wav_mono(res)
            assert got == rate
            os.remove(raw)
            os.remove(res)
            s = ms.trim(samples, rate)
            self.cache[key] = (s, ms.longest_internal_pause_s(s, rate))
        return self.cache[key]

    def long_read(self, args, text, rate, band):
        """A whole paragraph (babble), resampled, as an f32 array."""
        key = ("long", tuple(args), text, rate, band)
        if key not in self.cache:
            self.count += 1
            raw = os.path.join(self.tmp, f"b{self.count}.wav")
            res = os.path.join(self.tmp, f"b{self.count}.f32")
            run(["espeak-ng", *args, "-w", raw, text])
            run(["sox", "-R", "-D", raw, *raw_args(rate), res, *(["sinc", BAND] if band else [])])
            self.cache[key] = read_f32(res)
            os.remove(raw)
            os.remove(res)
        return self.cache[key]


def real_names(real_dir):
    return sorted(f[:-5] for f in os.listdir(real_dir) if f.endswith(".json")
                  and os.path.exists(os.path.join(real_dir, f[:-5] + ".wav")))


#: The real recordings held out from tuning: never used by a tuning seed range, never scored
#: while tuning. No speaker here has a recording in the tuning half (the same-speaker pairs
#: cat_TB-FE1-H1_phrase1/2, fra_F_F_B003-P8/P9, spa_SPA_F23_SPA_T02/T33 and pol_0003/4 all
#: stay in `tune`).
HELD_OUT_REAL = {
    "cmn_f1_P8", "cmn_f5_P9", "deu_DEU_F10_DEU_T02", "eng_ENG_M15_ENG_T02",
    "fraquebec_Sample_1_PFCquebec_CQAAB1", "kor_ipu_1_113_namjaga_yeojalul_minda", "pcm_M_3",
    "por_POR_F25_POR_T02",
}


def real_half(real_dir, half):
    """The fixed halves of the real recordings: `held-out` = `HELD_OUT_REAL`, `tune` = the rest."""
    if half == "none" or not os.path.isdir(real_dir):
        return []
    names = real_names(real_dir)
    if half == "all":
        return names
    return [n for n in names if (n in HELD_OUT_REAL) == (half == "held-out")]


def merge_intervals(ivals, gap_s=0.2):
    out = []
    for a, b in sorted(ivals):
        if out and a - out[-1][1] < gap_s:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


class RealVoice:
    """A hand-labelled recording, resampled to the call's rate (read at generation time only)."""

    def __init__(self, real_dir, name, rate, band, tmp):
        self.name = name
        with open(os.path.join(real_dir, name + ".json")) as f:
            speech = json.load(f)["speech"]
        res = os.path.join(tmp, f"real-{name}-{rate}.f32")
        run(["sox", "-R", "-D", os.path.join(real_dir, name + ".wav"), *raw_args(rate), res,
             *(["sinc", BAND] if band else [])])
        self.samples = read_f32(res)
        os.remove(res)
        self.rate = rate
        self.dur = r2(len(self.samples) / rate)
        self.ivals = [[r2(a), min(self.dur, r2(b))] for a, b in merge_intervals(speech) if r2(b) - r2(a) >= 0.1]

    def cut(self, rng, kind, want_s, min_first=0.0, min_total=0.0):
        """A cut of the recording: consecutive labelled intervals with clear internal gaps.
        Returns (samples, intervals relative to the cut, source) or None."""
        iv = self.ivals
        if kind == "backchannel":
            cands = [i for i, (a, b) in enumerate(iv) if 0.15 <= b - a < 0.6]
            if not cands:
                return None
            i = j = rng.choice(cands)
        else:
            for _ in range(30):
                i = rng.randrange(len(iv))
                j = i
                while j + 1 < len(iv) and iv[j][1] - iv[i][0] < want_s:
                    gap = iv[j + 1][0] - iv[j][1]
                    if gap < REAL_GAP_MIN_S or 0.85 <= gap <= 1.25 or gap > 3.0:
                        break
                    j += 1
                if iv[i][1] - iv[i][0] >= min_first and iv[j][1] - iv[i][0] >= min_total:
                    break
            else:
                return None
        a0 = r2(max(iv[i - 1][1] if i > 0 else 0.0, iv[i][0] - 0.05))
        b1 = r2(min(iv[j + 1][0] if j + 1 < len(iv) else self.dur, iv[j][1] + 0.05))
        s = list(self.samples[int(round(a0 * self.rate)):int(round(b1 * self.rate))])
        fade = int(0.005 * self.rate)
        for k in range(min(fade, len(s) // 2)):
            w = (k + 1) / fade
            s[k] *= w
            s[-1 - k] *= w
        rel = [[r2(a - a0), r2(b - a0)] for a, b in iv[i:j + 1]]
        return s, rel, f"{self.name}@{a0:.2f}-{b1:.2f}"


# ----------------------------------------------------------------------------------------
# Pieces of speech and the call design

class Piece:
    """One placed utterance or real cut: samples on its party's channel from start_s, and
    its labelled speech intervals relative to start_s (one for espeak utterances)."""

    def __init__(self, party, kind, label, samples, ivals, rate, level, real):
        self.party, self.kind, self.label = party, kind, label
        self.samples, self.ivals, self.rate = samples, ivals, rate
        self.level, self.real = level, real
        self.start_s = 0.0
        self.cut = False

    @property
    def onset_s(self):
        return r2(self.start_s + self.ivals[0][0])

    @property
    def end_s(self):
        return r2(self.start_s + self.ivals[-1][1])

    def segs(self):
        return [(r2(self.start_s + a), r2(self.start_s + b)) for a, b in self.ivals]

    def cut_at(self, cut_s):
        rel = r2(cut_s - self.start_s)
        host = [iv for iv in self.ivals if iv[0] < rel <= iv[1]]
        if not host or host[0][1] - rel < 0.3 - 1e-9:
            raise Failure(f"'{self.label}' cannot be cut at {cut_s}")
        keep = int(round(rel * self.rate))
        fade = int(round(ms.CUT_FADE_S * self.rate))
        s = self.samples[:keep]
        for i in range(fade):
            s[keep - fade + i] *= 1.0 - (i + 1) / fade
        self.samples = s
        self.ivals = [iv for iv in self.ivals if iv[0] < rel]
        self.ivals[-1] = [self.ivals[-1][0], rel]
        self.cut = True


class Design:
    def __init__(self, seed, rng, rate, band, voices, levels, synth, reals):
        self.seed, self.rng, self.rate, self.band = seed, rng, rate, band
        self.voices, self.levels, self.synth, self.reals = voices, levels, synth, reals
        self.pieces = []
        self.floor = None
        self.interruptions = []      # designed: (by, at_s, overlap_s)
        self.bc_hosts = set()

    def other(self, party):
        return "customer" if party == "agent" else "agent"

    def cover_end(self):
        return max((p.end_s for p in self.pieces if p.kind != "pre_ring"), default=0.0)

    def last_end(self, party):
        return max((p.end_s for p in self.pieces if p.party == party), default=-10.0)

    def make(self, party, kind, min_first=0.0, min_total=0.0, texts=None):
        """A new piece of `party` (not yet placed), or None when no fitting one is found."""
        v = self.voices[party]
        rng = self.rng
        if v["kind"] == "real":
            want = {"backchannel": 0.5, "interruption": rng.uniform(3.0, 7.0)}.get(kind, rng.uniform(1.5, 8.0))
            got = self.reals[party].cut(rng, kind, want, min_first, min_total)
            if got is None:
                return None
            s, rel, src = got
            s = normalise_to(s, self.rate, self.levels[party], rel)
            return Piece(party, kind, "real:" + src, s, rel, self.rate, self.levels[party], True)
        pool = texts or {"backchannel": T.BACKCHANNELS, "interruption": T.INTERRUPT_LINES,
                         "greeting": T.GREETINGS, "pre_ring": T.COLLEAGUE_LINES}.get(
            kind, T.AGENT_LINES if party == "agent" else T.CUSTOMER_LINES)
        speed = max(v["speed"], 190) if kind == "backchannel" else v["speed"]
        for _ in range(8):
            text = rng.choice(pool)
            s, pause = self.synth.utterance(espeak_args(v, speed), text, self.rate, self.band)
            dur = len(s) / self.rate
            if pause >= ms.INTERNAL_PAUSE_MAX_S:
                continue
            if kind == "backchannel" and dur >= ms.BACKCHANNEL_MAX_S - 0.05:
                continue
            if dur < max(min_first, min_total, 0.25):
                continue
            s = normalise_to(list(s), self.rate, self.levels[party])
            return Piece(party, kind, text, s, [[0.0, r2(dur)]], self.rate, self.levels[party], False)
        return None

    def place(self, piece, onset_s):
        piece.start_s = r2(onset_s - piece.ivals[0][0])
        if piece.start_s < 0:
            raise Failure("piece placed before 0")
        self.pieces.append(piece)
        return piece

    def turn(self, party, onset_s, kind="turn"):
        p = self.make(party, kind)
        if p is None:
            p = self.make(party, "turn")
        if p is None:
            raise Failure(f"no {kind} for {party}")
        p.kind = "turn"
        self.floor = self.place(p, onset_s)
        return p

    def backchannel(self):
        host = self.floor
        party = self.other(host.party)
        bc = self.make(party, "backchannel")
        if bc is None:
            return False
        d = bc.ivals[-1][1] - bc.ivals[0][0]
        fits = [iv for iv in host.ivals if iv[1] - iv[0] >= d + 2 * ms.BACKCHANNEL_MARGIN_S + 0.1]
        if not fits or id(host) in self.bc_hosts:
            return False
        a, b = self.rng.choice(fits)
        lo = max(host.start_s + a + ms.BACKCHANNEL_MARGIN_S + 0.01, self.last_end(party) + ms.SAME_PARTY_MIN_S + 0.05)
        room = host.start_s + b - ms.BACKCHANNEL_MARGIN_S - 0.01 - d - lo
        if room < 0:
            return False
        onset = r2(lo + self.rng.uniform(0, room))
        self.place(bc, onset)
        self.bc_hosts.add(id(host))
        return True

    def interrupt(self):
        host = self.floor
        if id(host) in self.bc_hosts:
            return False
        party = self.other(host.party)
        ov = r2(self.rng.uniform(*ms.INTERRUPT_OVERLAP_S))
        after_min = ms.INTERRUPT_AFTER_MIN_S + 0.05
        fits = [iv for iv in host.ivals if iv[1] - iv[0] >= after_min + ov + 0.4]
        if not fits:
            return False
        p = self.make(party, "interruption", min_first=ov + 0.5,
                      min_total=ov + ms.INTERRUPTER_GOES_ON_MIN_S + 0.3)
        if p is None or p.ivals[0][1] - p.ivals[0][0] < ov + 0.5 or \
                p.ivals[-1][1] - p.ivals[0][0] < ov + ms.INTERRUPTER_GOES_ON_MIN_S + 0.3:
            return False
        a, b = self.rng.choice(fits)
        lo = max(host.start_s + a + after_min, self.last_end(party) + ms.SAME_PARTY_MIN_S + 0.05)
        room = host.start_s + b - ov - 0.4 - lo
        if room < 0:
            return False
        onset = r2(lo + self.rng.uniform(0, room))
        host.cut_at(r2(onset + ov))
        self.place(p, onset)
        self.interruptions.append((party, onset, ov))
        self.floor = p
        return True


def hand_over_gap(rng):
    return r2(rng.uniform(0.25, 0.8) if rng.random() < 0.8 else rng.uniform(1.25, 2.8))


def build_conversation(d, start_s, target_end_s):
    """Greeting by the agent at start_s, then turns until target_end_s."""
    rng = d.rng
    d.turn("agent", start_s, "greeting")
    dead_air_left = rng.choice([0, 0, 1, 1, 2])
    p_bc = rng.uniform(0.1, 0.35)
    p_int = rng.uniform(0.0, 0.15)
    while d.cover_end() < target_end_s:
        host = d.floor
        x = rng.random()
        if x < p_bc:
            d.backchannel()
        elif x < p_bc + p_int and host.kind != "interruption" and d.interrupt():
            continue
        y = rng.random()
        party = d.floor.party
        if dead_air_left and y < 0.06:
            dead_air_left -= 1
            gap = r2(rng.uniform(6.2, 9.0))
            party = party if rng.random() < 0.5 else d.other(party)
        elif y < 0.25:
            gap = r2(rng.uniform(1.3, 2.8))            # the same party goes on after a pause
        else:
            gap = hand_over_gap(rng)
            party = d.other(party)
        d.turn(party, r2(d.cover_end() + gap))
        del host


# ----------------------------------------------------------------------------------------
# Expected figures, per SPEC, from the placed clean speech (generalised make_samples.expect)

def mutual_silences(segs):
    out = []
    if not segs:
        return out
    cover_end, last_party = segs[0][2], segs[0][0]
    for party, s, e, _ in segs[1:]:
        if s > cover_end:
            out.append((cover_end, s, last_party, party))
        if e >= cover_end:
            cover_end, last_party = e, party
    return out


def spec_expect(segs, answered_s):
    """segs: (party, start, end, kind) of the conversation (inside the window), sorted."""
    pauses = []
    for s, e, before, after in mutual_silences(segs):
        if e - s >= 1.0 - 1e-9:
            pauses.append({"start_s": s, "end_s": e, "kind": "gap" if before != after else "pause",
                           "before": before, "after": after, "dead_air": e - s >= 5.0 - 1e-9})

    def speaking(party, t0, t1):
        return any(p == party and s <= t0 + 1e-9 and t1 <= e + 1e-9 for p, s, e, _ in segs)

    bcs = {"agent": 0, "customer": 0}
    is_bc = set()
    for k, (p, s, e, _) in enumerate(segs):
        q = "customer" if p == "agent" else "agent"
        if e - s < 1.0 - 1e-9 and speaking(q, s, s + 0.01) and speaking(q, e - 0.01, e):
            bcs[p] += 1
            is_bc.add(k)
    inter = []
    for k, (p, s, e, _) in enumerate(segs):
        if k in is_bc:
            continue
        for q, a0, a1, _ in segs:
            if q != p and a0 <= s < a1 and s - a0 >= 0.3 - 1e-9 and a1 - s > 0.5 + 1e-9:
                ov = min(a1, e) - s
                if ov >= 0.5 - 1e-9:
                    inter.append({"by": p, "at_s": s, "overlap_s": r2(ov)})
    agent_onsets = [s for p, s, e, _ in segs if p == "agent"]
    base = answered_s if answered_s is not None else 0.0
    return {"greeting_latency_s": r2(min(agent_onsets) - base) if agent_onsets else None,
            "interruptions": inter,
            "dead_air": [{"start_s": x["start_s"], "end_s": x["end_s"]} for x in pauses if x["dead_air"]],
            "backchannels": bcs,
            "pauses": pauses}


# ----------------------------------------------------------------------------------------
# Noise, hum, office transients, babble, leak, ring tones

def sox_noise_file(path, kind, rate, n, offset, band):
    """n samples of sox noise (`sox -R`: fixed seed) from `offset` on; white/pink/brown."""
    effects = ["highpass", "20"] if kind == "brownnoise" else []
    run(["sox", "-R", "-D", "-r", str(rate), "-n", *raw_args(rate), path, "synth", f"{n + offset}s", kind,
         "vol", "0.5", *effects, "trim", f"{offset}s", *(["sinc", BAND] if band else [])])


def hum_file(path, rng, rate, n, band):
    f0 = rng.choice([50, 60])
    parts = [(k * f0, rng.uniform(0.3, 1.0) * k ** -rng.uniform(0.3, 1.2) * (1.5 if k % 2 else 1.0),
              rng.uniform(0, 2 * math.pi)) for k in range(1, 9)]
    period = rate // 10                      # 100 ms holds whole cycles of 50 and 60 Hz
    one = array.array("f", [0.05 * sum(a * math.sin(2 * math.pi * f * i / rate + ph) for f, a, ph in parts)
                            for i in range(period)])
    buf = one * (n // period + 1)
    write_f32(path, buf[:n])
    if band:
        tmp = path + ".b.f32"
        run(["sox", *raw_args(rate), path, *raw_args(rate), tmp, "sinc", BAND])
        os.replace(tmp, path)
    return {"hum_hz": f0, "harmonics": len(parts)}


def office_file(path, rng, rate, n, band):
    """Keyboard bursts, single clicks and thuds at random times (unit level)."""
    buf = array.array("f", bytes(4 * n))
    t = rng.uniform(0.5, 4.0)
    dur = n / rate
    events = {"keyboard": 0, "click": 0, "thud": 0}
    while t < dur - 0.5:
        kind = rng.choices(["keyboard", "click", "thud"], [0.55, 0.3, 0.15])[0]
        events[kind] += 1
        if kind == "keyboard":
            k_end = t + rng.uniform(1.0, 4.0)
            while t < min(k_end, dur - 0.2):
                amp = rng.uniform(0.2, 0.6)
                length = int(rate * rng.uniform(0.004, 0.010))
                tau = rate * rng.uniform(0.0008, 0.002)
                i0 = int(t * rate)
                prev = 0.0
                for i in range(length):
                    w = rng.uniform(-1, 1)
                    buf[i0 + i] += amp * (w - 0.7 * prev) * math.exp(-i / tau)
                    prev = w
                t += rng.uniform(0.07, 0.25)
        elif kind == "click":
            amp = rng.uniform(0.3, 0.8)
            length = int(rate * rng.uniform(0.002, 0.006))
            i0 = int(t * rate)
            for i in range(length):
                buf[i0 + i] += amp * rng.uniform(-1, 1) * math.exp(-i / (rate * 0.001))
        else:
            amp = rng.uniform(0.3, 0.8)
            f = rng.uniform(60, 160)
            length = int(rate * rng.uniform(0.04, 0.12))
            i0 = int(t * rate)
            for i in range(length):
                env = math.exp(-i / (length / 4))
                buf[i0 + i] += amp * env * (math.sin(2 * math.pi * f * i / rate) + 0.3 * rng.uniform(-1, 1))
        t += rng.uniform(1.5, 8.0)
    write_f32(path, buf)
    if band:
        tmp = path + ".b.f32"
        run(["sox", *raw_args(rate), path, *raw_args(rate), tmp, "sinc", BAND])
        os.replace(tmp, path)
        buf = read_f32(path)
    return {"events": events}, active_rms_in(buf, rate)


def babble_file(path, rng, rate, n, band, synth, tmp):
    """4-8 other espeak voices reading paragraphs, looped from random offsets, mixed."""
    langs, variants = installed_voices()
    k = rng.randint(4, 8)
    names = []
    inputs = []
    for j in range(k):
        v = {"lang": rng.choice(langs), "variant": rng.choice(variants), "pitch": rng.randint(15, 85),
             "speed": rng.randint(140, 200)}
        text = " ".join(rng.sample(T.BABBLE_SENTENCES, 6))
        a = synth.long_read(espeak_args(v), text, rate, band)
        level = math.sqrt(sum(map(operator.mul, a, a)) / len(a))
        off = rng.randrange(len(a))
        loop = (a * ((n + off) // len(a) + 1))[off:off + n]
        p = os.path.join(tmp, f"babble{j}.f32")
        write_f32(p, loop)
        inputs += ["-v", f"{0.03 / level:.9g}", *raw_args(rate), p]
        names.append(f"{v['lang']}+{v['variant']}")
    run(["sox", "-m", *inputs, *raw_args(rate), path])
    for j in range(k):
        os.remove(os.path.join(tmp, f"babble{j}.f32"))
    return {"voices": names}


def make_noise(kind, path, rng, rate, n, band, synth, tmp):
    """Writes a unit-level noise file; returns (info, measured level used as its RMS)."""
    if kind in ("white", "pink", "brown", "none"):
        src = {"white": "whitenoise", "pink": "pinknoise", "brown": "brownnoise", "none": "whitenoise"}[kind]
        off = rng.randrange(0, 20 * rate)
        sox_noise_file(path, src, rate, n, off, band)
        info = {"sox_offset": off}
    elif kind == "hum":
        info = hum_file(path, rng, rate, n, band)
    elif kind == "babble":
        info = babble_file(path, rng, rate, n, band, synth, tmp)
    elif kind == "office":
        info, level = office_file(path, rng, rate, n, band)
        # plus a quiet steady floor so the channel is never digital silence
        fl = path + ".floor.f32"
        sox_noise_file(fl, "whitenoise", rate, n, rng.randrange(0, 20 * rate), band)
        fl_rms = sox_stat(raw_args(rate) + [fl])["rms"]
        info["floor_gain"] = level * db_to_gain(-30.0) / fl_rms    # 30 dB under the transients
        mixed = path + ".m.f32"
        run(["sox", "-m", "-v", "1", *raw_args(rate), path, "-v", f"{info['floor_gain']:.9g}", *raw_args(rate), fl,
             *raw_args(rate), mixed])
        os.replace(mixed, path)
        os.remove(fl)
        info["ref"] = "active_rms of the transients"
        del info["floor_gain"]
        return info, level
    else:
        raise ValueError(kind)
    info["ref"] = "rms"
    return info, sox_stat(raw_args(rate) + [path])["rms"]


def leak_ir(rng, rate, gain_db, delay_s, ir_s):
    """Causal IR: delay, then a decaying random tail with random signs; L2 norm = leak gain."""
    d = int(round(delay_s * rate))
    L = max(2, int(round(ir_s * rate)))
    tau = ir_s / rng.uniform(2.5, 6.0)
    h = [1.0] + [rng.choice((-1, 1)) * rng.uniform(0.2, 1.0) * math.exp(-k / (tau * rate)) for k in range(1, L)]
    norm = math.sqrt(sum(x * x for x in h))
    g = db_to_gain(gain_db) / norm
    causal = [0.0] * d + [x * g for x in h]
    return [0.0] * len(causal) + causal, tau     # sox fir centres the filter: pad in front


def add_tone(buf, rate, bursts, tone_hz, mod_hz, rms_dbfs):
    """Ring bursts with raised-cosine edges; the RMS over a whole burst is rms_dbfs."""
    depth = AM_DEPTH if mod_hz else 0.0
    amp = db_to_gain(rms_dbfs) * math.sqrt(2.0 / (len(tone_hz) * (1 + depth * depth / 2)))
    ramp = int(ms.TONE_RAMP_S * rate)
    sin, cos, pi = math.sin, math.cos, math.pi
    for b0, b1 in bursts:
        i0, i1 = int(round(b0 * rate)), int(round(b1 * rate))
        for i in range(i0, i1):
            k = min(i - i0, i1 - 1 - i)
            env = 0.5 - 0.5 * cos(pi * k / ramp) if k < ramp else 1.0
            t = i / rate
            v = sum(sin(2 * pi * f * t) for f in tone_hz)
            if mod_hz:
                v *= 1 + depth * cos(2 * pi * mod_hz * t)
            buf[i] += amp * env * v


# ----------------------------------------------------------------------------------------
# One call

def plan_ring(rng, first_ring_s, abandoned):
    name, tone_hz, mod_hz, cad = rng.choice(RING_PLANS)
    rings = rng.randint(1, 6)
    cycle = sum(cad)
    bursts = []
    for r in range(rings):
        t = first_ring_s + r * cycle
        for k in range(0, len(cad), 2):
            bursts.append([r2(t), r2(t + cad[k])])
            t += cad[k] + cad[k + 1]
    ring = {"plan": name, "tone_hz": tone_hz, "mod_hz": mod_hz, "on_off_s": cad, "rings": rings,
            "first_ring_s": r2(first_ring_s), "bursts": bursts, "cycle": cycle}
    if abandoned:
        ring["answer"] = None
        return ring
    if cad[0] >= 0.8 and rng.random() < 0.15:
        # the agent starts during the first burst of the last ring; the tone stops a little later
        b0, b1 = bursts[-len(cad) // 2]
        onset = r2(b0 + rng.uniform(0.3, cad[0] - 0.3))
        stop = r2(min(b1, onset + rng.uniform(0.15, 0.4)))
        ring["bursts"] = bursts[:-len(cad) // 2] + [[b0, stop]]
        ring["answer"] = "during_burst"
        ring["answered_s"] = onset
        ring["greet_s"] = onset
    else:
        end = bursts[-1][1]
        ring["answer"] = "after_burst"
        ring["answered_s"] = end
        ring["greet_s"] = r2(end + rng.uniform(0.3, max(0.35, min(2.5, cad[-1] - 0.4))))
    return ring


def choose_conditions(seed, rng, real_pool):
    rate = rng.choice([8000, 8000, 8000, 16000, 16000, 48000])
    fmt = rng.choice(["pcm16", "pcm16", "mulaw", "alaw", "float32"]) if rate == 8000 else rng.choice(
        ["pcm16", "pcm16", "float32"])
    band = rng.random() < (0.5 if rate == 8000 else 0.25)
    levels = {"agent": round(rng.uniform(*SPEECH_DBFS), 1), "customer": round(rng.uniform(*SPEECH_DBFS), 1)}
    voices = {}
    used_real = set()
    for party, p_real in (("agent", 0.2), ("customer", 0.3)):
        cands = [n for n in real_pool if n.split("_")[0] not in used_real]
        if cands and rng.random() < p_real:
            name = rng.choice(cands)
            used_real.add(name.split("_")[0])
            voices[party] = {"kind": "real", "name": name}
        else:
            voices[party] = espeak_voice(rng, voices.get("agent") if party == "customer" else None)
    noise = {}
    for party in ("agent", "customer"):
        kind = rng.choice(["white", "pink", "brown", "hum", "babble", "babble", "office", "none"])
        noise[party] = {"kind": kind, "snr_db": None if kind == "none" else round(rng.uniform(*SNR_DB), 1)}
        if kind == "none":
            noise[party]["noise_dbfs"] = round(rng.uniform(-80.0, -70.0), 1)
        else:
            noise[party]["noise_dbfs"] = round(levels[party] - noise[party]["snr_db"], 1)
    leak = {}
    for direction in ("agent_to_customer", "customer_to_agent"):
        if rng.random() < 0.15:
            leak[direction] = None
        else:
            leak[direction] = {"gain_db": round(rng.uniform(*LEAK_DB), 1),
                               "delay_s": round(rng.uniform(*LEAK_DELAY_S), 4),
                               "ir_s": round(rng.uniform(*LEAK_IR_S), 4)}
    ringing = seed % 2 == 0      # even seeds ring: half of any seed range, whatever the draws
    ring = None
    if ringing:
        ring = {"abandoned": rng.random() < 0.06 or seed % 20 == 4, "speech_before_ring": rng.random() < 0.3,
                "tone_over_noise_db": round(rng.uniform(*TONE_OVER_NOISE_DB), 1)}
    return {"seed": seed, "generator": GENERATOR, "sample_rate_hz": rate, "format": fmt,
            "band_limit_hz": BAND if band else None, "voices": voices, "speech_dbfs": levels,
            "noise": noise, "leak": leak, "ring": ring,
            "target_duration_s": round(rng.uniform(*DURATION_S), 1)}


def apply_overrides(cond, overrides):
    """Pins conditions after they were drawn (the draws, and so every other choice of the
    seed, stay as they were). `overrides` is a list of KEY=VALUE:
      rate=8000|16000|48000   format=pcm16|float32|mulaw|alaw   band=0|1   duration=S
      noise.agent=KIND[:SNR]  noise.customer=KIND[:SNR]  (KIND white|pink|brown|hum|babble|office|none)
      leak.agent_to_customer=GAIN_DB:DELAY_S:IR_S|none   leak.customer_to_agent=...
      ring=on|off|abandoned   speech_before_ring=0|1   tone_over_noise_db=DB
    """
    for item in overrides:
        key, _, value = item.partition("=")
        if key == "rate":
            cond["sample_rate_hz"] = int(value)
            if cond["sample_rate_hz"] != 8000 and cond["format"] in ("mulaw", "alaw"):
                cond["format"] = "pcm16"
        elif key == "format":
            cond["format"] = value
        elif key == "band":
            cond["band_limit_hz"] = BAND if value == "1" else None
        elif key == "duration":
            cond["target_duration_s"] = float(value)
        elif key.startswith("noise."):
            party = key.split(".", 1)[1]
            kind, _, snr = value.partition(":")
            level = cond["speech_dbfs"][party]
            if kind == "none":
                cond["noise"][party] = {"kind": "none", "snr_db": None, "noise_dbfs": -75.0}
            else:
                snr_db = float(snr) if snr else 15.0
                cond["noise"][party] = {"kind": kind, "snr_db": snr_db, "noise_dbfs": round(level - snr_db, 1)}
        elif key.startswith("leak."):
            direction = key.split(".", 1)[1]
            if value == "none":
                cond["leak"][direction] = None
            else:
                gain, delay, ir = (float(x) for x in value.split(":"))
                cond["leak"][direction] = {"gain_db": gain, "delay_s": delay, "ir_s": ir}
        elif key == "ring":
            if value == "off":
                cond["ring"] = None
            else:
                ring = cond["ring"] or {"speech_before_ring": False, "tone_over_noise_db": 10.0}
                ring["abandoned"] = value == "abandoned"
                cond["ring"] = ring
        elif key in ("speech_before_ring", "tone_over_noise_db"):
            if cond["ring"] is None:
                raise ValueError(f"{key} needs a ringing call (ring=on)")
            cond["ring"][key] = value == "1" if key == "speech_before_ring" else float(value)
        else:
            raise ValueError(f"unknown condition {key!r}")
        if cond["format"] in ("mulaw", "alaw") and cond["sample_rate_hz"] != 8000:
            raise ValueError("mu-law and A-law are 8 kHz only")
    if overrides:
        cond["overrides"] = list(overrides)


def generate(seed, out_dir, real_dir, real_voices, tmp_root=None, overrides=()):
    t_start = time.time()
    rng = random.Random(seed)
    pool = real_half(real_dir, real_voices)
    cond = choose_conditions(seed, rng, pool)
    apply_overrides(cond, overrides)
    cond["real_voices"] = real_voices
    rate, band = cond["sample_rate_hz"], cond["band_limit_hz"] is not None
    tmp = tempfile.mkdtemp(prefix=f"callpulse-call{seed}-", dir=tmp_root)
    try:
        synth = Synth(tmp)
        reals = {}
        for party, v in cond["voices"].items():
            if v["kind"] == "real":
                reals[party] = RealVoice(real_dir, v["name"], rate, band, tmp)
                v["half"] = real_voices
        d = Design(seed, rng, rate, band, cond["voices"], cond["speech_dbfs"], synth, reals)
        ring = None
        rc = cond["ring"]
        if rc:
            first = r2(rng.uniform(0.5, 4.0))
            if rc["speech_before_ring"]:
                t = r2(rng.uniform(0.3, 1.5))
                for _ in range(rng.randint(1, 3)):
                    p = d.make("agent", "pre_ring") or d.make("agent", "turn")
                    p.kind = "pre_ring"
                    d.place(p, t)
                    t = r2(p.end_s + rng.uniform(1.3, 2.8))
                first = r2(max(p.end_s for p in d.pieces) + rng.uniform(2.0, 5.0))
            ring = plan_ring(rng, first, rc["abandoned"])
            rc.update({k: ring[k] for k in ("plan", "rings", "answer")})
        if ring and ring["answer"] is None:
            duration = r2(ring["bursts"][-1][1] + rng.uniform(12.0, 16.0))
        else:
            start = ring["greet_s"] if ring else r2(rng.uniform(0.3, 2.0))
            build_conversation(d, start, max(cond["target_duration_s"], start + DURATION_S[0]) - 1.0)
            duration = r2(max(p.end_s for p in d.pieces) + rng.uniform(0.5, 2.0))
        n = int(round(duration * rate))
        # --- clean party signals (the customer's line carries the ringing)
        speech = {"agent": array.array("f", bytes(4 * n)), "customer": array.array("f", bytes(4 * n))}
        add = operator.add
        for p in d.pieces:
            i0 = int(round(p.start_s * rate))
            buf = speech[p.party]
            i1 = min(n, i0 + len(p.samples))
            buf[i0:i1] = array.array("f", map(add, buf[i0:i1], p.samples[:i1 - i0]))
        noise_level = {}
        files = {}
        for party in ("agent", "customer"):
            nc = cond["noise"][party]
            path = os.path.join(tmp, f"noise-{party}.f32")
            info, level = make_noise(nc["kind"], path, rng, rate, n, band, synth, tmp)
            nc.update(info)
            noise_level[party] = level
            files["noise-" + party] = path
        ring_label = None
        if ring:
            nl = cond["noise"]["customer"]
            if nl["kind"] == "none":
                tone = cond["speech_dbfs"]["customer"] - rng.uniform(0.0, 10.0)
            else:
                tone = nl["noise_dbfs"] + rc["tone_over_noise_db"]
            tone = round(min(tone, TONE_MAX_DBFS), 1)
            rc["tone_dbfs"] = tone
            rc["tone_over_noise_db"] = round(tone - nl["noise_dbfs"], 1)
            add_tone(speech["customer"], rate, ring["bursts"], ring["tone_hz"], ring["mod_hz"], tone)
            answered = ring["answer"] is not None
            ans = ring.get("answered_s")
            ring_label = {"rings": ring["rings"] if not answered else
                          sum(1 for r in range(ring["rings"]) if ring["first_ring_s"] + r * ring["cycle"] < ans - 1e-9),
                          "first_ring_s": ring["first_ring_s"], "answered_s": ans if answered else None,
                          "ring_to_answer_s": r2(ans - ring["first_ring_s"]) if answered else None,
                          "answered": answered, "tone_hz": ring["tone_hz"], "on_off_s": ring["on_off_s"],
                          "bursts": ring["bursts"], "tone_dbfs": None,
                          **({"modulation_hz": ring["mod_hz"]} if ring["mod_hz"] else {})}
        for party in ("agent", "customer"):
            files["line-" + party] = os.path.join(tmp, f"line-{party}.f32")
            write_f32(files["line-" + party], speech[party])
        # --- leak of each line into the other channel through a dispersive echo path
        for direction, src, dst in (("agent_to_customer", "agent", "customer"), ("customer_to_agent", "customer", "agent")):
            lk = cond["leak"][direction]
            if not lk:
                continue
            ir, tau = leak_ir(rng, rate, lk["gain_db"], lk["delay_s"], lk["ir_s"])
            lk["ir_decay_s"] = round(tau, 4)
            coefs = os.path.join(tmp, f"ir-{direction}.txt")
            with open(coefs, "w") as f:
                f.write("\n".join(f"{x:.9g}" for x in ir) + "\n")
            files["leak-" + dst] = os.path.join(tmp, f"leak-{dst}.f32")
            run(["sox", *raw_args(rate), files["line-" + src], *raw_args(rate), files["leak-" + dst], "fir", coefs])
        # --- mix each channel at half scale, then merge with one gain for the whole call
        mixes = {}
        peaks = {}
        for party in ("agent", "customer"):
            ng = db_to_gain(cond["noise"][party]["noise_dbfs"]) / noise_level[party]
            ins = ["-v", "0.5", *raw_args(rate), files["line-" + party],
                   "-v", f"{0.5 * ng:.9g}", *raw_args(rate), files["noise-" + party]]
            if "leak-" + party in files:
                ins += ["-v", "0.5", *raw_args(rate), files["leak-" + party]]
            mixes[party] = os.path.join(tmp, f"mix-{party}.f32")
            run(["sox", "-m", *ins, *raw_args(rate), mixes[party]])
            peaks[party] = 2.0 * sox_stat(raw_args(rate) + [mixes[party]])["peak"]
        g = min(1.0, MIX_PEAK_MAX / max(peaks.values()))
        g_db = round(gain_to_db(g), 2) if g < 1.0 else 0.0
        g = db_to_gain(g_db)
        cond["global_gain_db"] = g_db
        enc = {"pcm16": ["-e", "signed-integer", "-b", "16"], "float32": ["-e", "floating-point", "-b", "32"],
               "mulaw": ["-e", "u-law", "-b", "8"], "alaw": ["-e", "a-law", "-b", "8"]}[cond["format"]]
        name = f"call-{seed}"
        wav = os.path.join(out_dir, name + ".wav")
        run(["sox", "-R", "-D", "-M", "-v", f"{2 * g:.9g}", *raw_args(rate), mixes["agent"],
             "-v", f"{2 * g:.9g}", *raw_args(rate), mixes["customer"], "-t", "wav", *enc, wav])
        # --- labels
        levels = {p: round(cond["speech_dbfs"][p] + g_db, 2) for p in ("agent", "customer")}
        noise_dbfs = {p: round(cond["noise"][p]["noise_dbfs"] + g_db, 2) for p in ("agent", "customer")}
        if ring_label:
            ring_label["tone_dbfs"] = round(rc["tone_dbfs"] + g_db, 2)
        win = ring_label["answered_s"] if ring_label else 0.0
        conv = sorted([(p.party, s, e, p.kind) for p in d.pieces if p.kind != "pre_ring" for s, e in p.segs()],
                      key=lambda x: (x[1], x[0]))
        exp = spec_expect(conv, win) if (not ring_label or ring_label["answered"]) else \
            {"greeting_latency_s": None, "interruptions": [], "dead_air": [],
             "backchannels": {"agent": 0, "customer": 0}, "pauses": []}
        segments = []
        for p in sorted(d.pieces, key=lambda p: (p.onset_s, p.party)):
            for s, e in p.segs():
                seg = {"party": p.party, "start_s": s, "end_s": e, "kind": p.kind}
                seg["source" if p.real else "text"] = p.label
                if p.cut:
                    seg["cut"] = True
                segments.append(seg)
        segments.sort(key=lambda x: (x["start_s"], x["party"]))
        cond["counts"] = {"segments": len(segments), "interruptions": len(exp["interruptions"]),
                          "backchannels": exp["backchannels"], "dead_air": len(exp["dead_air"]),
                          "pauses": len(exp["pauses"])}
        cond["peak"] = round(g * max(peaks.values()), 4)
        labels = {
            "wav": name + ".wav", "sample_rate_hz": rate, "channels": 2, "format": cond["format"],
            "layout": "agent,customer", "duration_s": duration, "segments": segments, "ring": ring_label,
            "expect": exp, "speech_dbfs": levels, "noise_dbfs": noise_dbfs,
            "snr_db": {p: cond["noise"][p]["snr_db"] for p in ("agent", "customer")},
            "conditions": cond,
            "notes": "generated by make_calls.py; conditions lists every random choice",
        }
        check_call(name, d, labels, conv, g)
        with open(os.path.join(out_dir, name + ".labels.json"), "w") as f:
            f.write(ms.dump_labels(labels))
        return summary_line(labels, time.time() - t_start)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def summary_line(lab, secs):
    c = lab["conditions"]
    v = c["voices"]
    nz = c["noise"]
    lk = c["leak"]

    def lks(x):
        return "none" if not x else f"{x['gain_db']}dB/{int(x['delay_s'] * 1000)}ms"
    ring = "no ring"
    if lab["ring"]:
        r = lab["ring"]
        ring = (f"ring {c['ring']['plan']} x{r['rings']} +{c['ring']['tone_over_noise_db']}dB "
                + ("abandoned" if not r["answered"] else f"answered {r['answered_s']} ({c['ring']['answer']})")
                + (" speech-before-ring" if c["ring"]["speech_before_ring"] else ""))
    e = lab["expect"]
    return (f"call-{c['seed']}: {lab['duration_s']:.1f}s {lab['sample_rate_hz']}Hz {lab['format']}"
            f"{' band' if c['band_limit_hz'] else ''} | A {voice_name(v['agent'])} {c['speech_dbfs']['agent']}dBFS"
            f" | C {voice_name(v['customer'])} {c['speech_dbfs']['customer']}dBFS"
            f" | noise A {nz['agent']['kind']}/{nz['agent']['snr_db']} C {nz['customer']['kind']}/{nz['customer']['snr_db']}"
            f" | leak A>C {lks(lk['agent_to_customer'])} C>A {lks(lk['customer_to_agent'])} | {ring}"
            f" | {len(lab['segments'])} segs {len(e['interruptions'])} intr {len(e['dead_air'])} dead-air"
            f" bc {e['backchannels']['agent']}/{e['backchannels']['customer']} gain {c['global_gain_db']}dB | {secs:.1f}s")


# ----------------------------------------------------------------------------------------
# Checks (make_samples.check_call generalised: multi-interval pieces, a conversation window)

def check_call(name, d, lab, conv, g):
    def fail(msg):
        raise Failure(f"{name}: {msg}")
    dur = lab["duration_s"]
    for s in lab["segments"]:
        if not (0 <= s["start_s"] < s["end_s"] <= dur):
            fail(f"segment {s} outside the file")
        if s["end_s"] - s["start_s"] < 0.1 - 1e-9:
            fail(f"segment {s} shorter than 100 ms")
    cond = lab["conditions"]
    if lab["ring"] is None or lab["ring"]["answered"]:
        if not (DURATION_S[0] - 1.0 <= dur <= DURATION_S[1] + 12.0):
            fail(f"duration {dur} out of range")
    # one party never overlaps itself and its segments stay apart
    for party in ("agent", "customer"):
        own = sorted((s, e, p) for p in d.pieces if p.party == party for s, e in p.segs())
        for (a0, a1, pa), (b0, b1, pb) in zip(own, own[1:]):
            least = REAL_GAP_MIN_S if pa is pb else ms.SAME_PARTY_MIN_S
            if b0 - a1 < least - 1e-9:
                fail(f"{party} segments {a0}-{a1} and {b0}-{b1} are too close")
    for p in d.pieces:
        if not p.real and ms.longest_internal_pause_s(p.samples, p.rate) >= ms.INTERNAL_PAUSE_MAX_S:
            fail(f"'{p.label}' has an internal pause")
        if not p.cut and p.kind != "interruption":
            got = gain_to_db(active_rms_in(p.samples, p.rate, p.ivals if p.real else None))
            if abs(got - p.level) > 0.3:
                fail(f"'{p.label}' is at {got:.1f} dBFS, not {p.level}")
    # every cross-party overlap is a designed backchannel or interruption
    designed = {(by, at): ov for by, at, ov in d.interruptions}
    segs = [(p, s, e) for p in d.pieces for s, e in p.segs()]
    for pa, a0, a1 in segs:
        for pb, b0, b1 in segs:
            if pa.party != "agent" or pb.party != "customer":
                continue
            lo, hi = max(a0, b0), min(a1, b1)
            if hi <= lo:
                continue
            (inner, i0, i1), (outer, o0, o1) = ((pa, a0, a1), (pb, b0, b1)) if a0 >= b0 else ((pb, b0, b1), (pa, a0, a1))
            if inner.kind == "backchannel":
                if i1 - i0 >= ms.BACKCHANNEL_MAX_S or i0 - o0 < ms.BACKCHANNEL_MARGIN_S - 1e-9 or \
                        o1 - i1 < ms.BACKCHANNEL_MARGIN_S - 1e-9:
                    fail(f"backchannel at {i0} is not well inside the other's segment")
            elif inner.kind == "interruption" and (inner.party, i0) in designed:
                ov = designed[(inner.party, i0)]
                if i0 - o0 < ms.INTERRUPT_AFTER_MIN_S - 1e-9 or r2(hi - lo) != ov or not outer.cut \
                        or o1 != r2(i0 + ov) or inner.end_s - o1 <= ms.INTERRUPTER_GOES_ON_MIN_S:
                    fail(f"interruption at {i0} is not as designed")
            else:
                fail(f"undesigned overlap {lo}-{hi}")
    # mutual silences of the conversation: no ambiguous lengths
    for s, e, before, after in mutual_silences(conv):
        length = r2(e - s)
        for lo, hi in ms.AMBIGUOUS_SILENCES_S:
            if lo - 1e-9 <= length <= hi + 1e-9:
                fail(f"mutual silence {s}-{e} ({length} s) is ambiguous")
        if 5.0 <= length < ms.DEAD_AIR_MIN_S - 1e-9:
            fail(f"dead air {s}-{e} is shorter than {ms.DEAD_AIR_MIN_S} s")
        if before != after and length < ms.GAP_MIN_S - 1e-9:
            fail(f"hand-over gap {s}-{e} is under {ms.GAP_MIN_S} s")
        if before == after and 1.0 <= length < ms.PAUSE_MIN_S - 1e-9:
            fail(f"pause {s}-{e} is under {ms.PAUSE_MIN_S} s")
    # the expected figures agree with the design
    exp = lab["expect"]
    got = sorted((i["by"], i["at_s"], i["overlap_s"]) for i in exp["interruptions"])
    if got != sorted(d.interruptions):
        fail(f"interruptions {got} != designed {sorted(d.interruptions)}")
    for i in exp["interruptions"]:
        if i["overlap_s"] < 0.5:
            fail("interruption overlap under 0.5 s")
    bc_designed = {"agent": 0, "customer": 0}
    for p in d.pieces:
        if p.kind == "backchannel":
            bc_designed[p.party] += 1
    if exp["backchannels"] != bc_designed and (lab["ring"] is None or lab["ring"]["answered"]):
        fail(f"backchannels {exp['backchannels']} != designed {bc_designed}")
    # levels and clipping
    if cond["peak"] >= ms.PEAK_MAX:
        fail(f"peak {cond['peak']}")
    # rings
    r = lab["ring"]
    if r:
        pre = [p for p in d.pieces if p.kind == "pre_ring"]
        if pre and max(p.end_s for p in pre) > r["first_ring_s"] - 2.0 + 1e-9:
            fail("speech before the ring ends less than 2 s before it")
        if any(p.party == "customer" for p in pre):
            fail("customer speech before the ring")
        first = min((s for _, s, _, _ in conv), default=None)
        last_end = r["bursts"][-1][1]
        if r["answered"]:
            if cond["ring"]["answer"] == "during_burst":
                if not (r["bursts"][-1][0] < first == r["answered_s"] < last_end):
                    fail("a during-burst answer is not inside the burst")
            else:
                nxt = r2(r["first_ring_s"] + cond["ring"]["rings"] * sum(r["on_off_s"]))
                if not (last_end == r["answered_s"] < first < nxt and first - last_end < ms.RING_ANSWER_WITHIN_S):
                    fail("the answer does not follow the last burst in time")
            if r["rings"] < 1 or r["ring_to_answer_s"] != r2(r["answered_s"] - r["first_ring_s"]):
                fail("ring figures inconsistent")
            if exp["greeting_latency_s"] is None or exp["greeting_latency_s"] < 0:
                fail("no greeting")
        else:
            if conv or dur - last_end < 12.0 - 1e-9:
                fail("an abandoned call needs 12 s without speech after the last ring")
        if r["bursts"][-1][1] > dur:
            fail("ringing after the end")


# ----------------------------------------------------------------------------------------
# Degrade mode: real mono recordings in variants

VARIANTS = {"clean16": (16000, None), "8k": (8000, None), "8k-noise10": (8000, "pink"),
            "8k-babble10": (8000, "babble"), "8k-brown10": (8000, "brown")}


def read_rttm(path):
    ivals = []
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) >= 5 and p[0] == "SPEAKER":
                s, dur = float(p[3]), float(p[4])
                ivals.append([s, s + dur])
    return merge_intervals(ivals)


def degrade_one(wav, ivals, out_dir, variant, seed, half):
    name = os.path.splitext(os.path.basename(wav))[0]
    rate, kind = VARIANTS[variant]
    rng = random.Random(f"{seed}:{name}:{variant}")
    tmp = tempfile.mkdtemp(prefix="callpulse-degrade-")
    try:
        src = os.path.join(tmp, "src.f32")
        run(["sox", "-R", "-D", wav, "-c", "1", *raw_args(rate), src])
        a = read_f32(src)
        n = len(a)
        dur = r2(n / rate)
        ivals = [[r2(s), min(dur, r2(e))] for s, e in ivals if min(dur, r2(e)) - r2(s) >= 0.01]
        level = active_rms_in(a, rate, ivals)
        cond = {"seed": seed, "generator": GENERATOR, "variant": variant, "source": os.path.basename(wav),
                "half": half, "speech_dbfs": round(gain_to_db(level), 2), "noise": None}
        out_f32 = src
        if kind:
            nf = os.path.join(tmp, "noise.f32")
            synth = Synth(tmp)
            k = {"pink": "pink", "brown": "brown", "babble": "babble"}[kind]
            info, nl = make_noise(k, nf, rng, rate, n, False, synth, tmp)
            target = level * db_to_gain(-10.0)
            out_f32 = os.path.join(tmp, "mix.f32")
            run(["sox", "-m", "-v", "0.5", *raw_args(rate), src, "-v", f"{0.5 * target / nl:.9g}", *raw_args(rate), nf,
                 *raw_args(rate), out_f32])
            cond["noise"] = {"kind": k, "snr_db": 10.0, "noise_dbfs": round(gain_to_db(target), 2), **info}
            pre = 2.0
        else:
            pre = 1.0
        peak = pre * sox_stat(raw_args(rate) + [out_f32])["peak"]
        g = min(1.0, MIX_PEAK_MAX / peak) if peak > 0 else 1.0
        g_db = round(gain_to_db(g), 2) if g < 1.0 else 0.0
        g = db_to_gain(g_db)
        cond["global_gain_db"] = g_db
        run(["sox", "-R", "-D", "-v", f"{pre * g:.9g}", *raw_args(rate), out_f32, "-t", "wav", "-e", "signed-integer",
             "-b", "16", os.path.join(out_dir, name + ".wav")])
        labels = {
            "wav": name + ".wav", "sample_rate_hz": rate, "channels": 1, "format": "pcm16", "layout": "mixed",
            "duration_s": dur,
            "segments": [{"party": "mixed", "start_s": s, "end_s": e} for s, e in ivals],
            "ring": None,
            "expect": {"greeting_latency_s": None, "interruptions": None, "dead_air": None,
                       "backchannels": None, "pauses": None},
            "speech_dbfs": {"mixed": round(cond["speech_dbfs"] + g_db, 2)},
            "noise_dbfs": {"mixed": round(cond["noise"]["noise_dbfs"] + g_db, 2) if cond["noise"] else None},
            "snr_db": {"mixed": 10.0 if cond["noise"] else None},
            "conditions": cond,
            "notes": f"real recording {os.path.basename(wav)}, variant {variant}; segments from its hand labels",
        }
        with open(os.path.join(out_dir, name + ".labels.json"), "w") as f:
            f.write(ms.dump_labels(labels))
        return f"{name}: {dur:.1f}s {variant} speech {labels['speech_dbfs']['mixed']} dBFS gain {g_db} dB, {len(ivals)} segments"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def degrade_main(args):
    import argparse
    ap = argparse.ArgumentParser(prog="make_calls.py degrade")
    ap.add_argument("--in", dest="inp", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--variant", required=True, choices=sorted(VARIANTS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--half", choices=["tune", "held-out", "all"], default="all",
                    help="for a directory of NAME.json recordings: which fixed half (see HELD_OUT_REAL)")
    a = ap.parse_args(args)
    os.makedirs(a.out, exist_ok=True)
    jobs = []
    if os.path.isdir(a.inp):
        names = real_half(a.inp, a.half)
        for nm in names:
            with open(os.path.join(a.inp, nm + ".json")) as f:
                jobs.append((os.path.join(a.inp, nm + ".wav"), merge_intervals(json.load(f)["speech"])))
    else:
        rttm = os.path.splitext(a.inp)[0] + ".rttm"
        js = os.path.splitext(a.inp)[0] + ".json"
        if os.path.exists(rttm):
            jobs.append((a.inp, read_rttm(rttm)))
        else:
            with open(js) as f:
                jobs.append((a.inp, merge_intervals(json.load(f)["speech"])))
    for wav, ivals in jobs:
        print(degrade_one(wav, ivals, a.out, a.variant, a.seed, a.half), file=sys.stderr)
    return 0


# ----------------------------------------------------------------------------------------
# Verify mode: sox measurements against the labels

def verify_main(args):
    d = args[0]
    bad = 0
    for lf in sorted(os.listdir(d)):
        if not lf.endswith(".labels.json"):
            continue
        with open(os.path.join(d, lf)) as f:
            lab = json.load(f)
        wav = os.path.join(d, lab["wav"])
        parties = ["mixed"] if lab["layout"] == "mixed" else ["agent", "customer"]
        out = [lab["wav"]]
        for ch, party in enumerate(parties, 1):
            own = sorted((s["start_s"], s["end_s"]) for s in lab["segments"] if s["party"] == party)
            busy = sorted((s["start_s"], s["end_s"] + 0.1) for s in lab["segments"])
            if lab.get("ring"):
                busy += [(a, b + 0.05) for a, b in lab["ring"]["bursts"]]
                busy.sort()
            # the longest stretch with no speech of either party (nor leak, nor tone): noise only
            gaps, t = [], 0.0
            for a, b in busy:
                if a > t:
                    gaps.append((t, a))
                t = max(t, b)
            gaps.append((t, lab["duration_s"]))
            g0, g1 = max(gaps, key=lambda x: x[1] - x[0])
            got_n = gain_to_db(sox_stat([wav], ["remix", str(ch), "trim", f"{g0 + 0.05}", f"={g1 - 0.05}"])["rms"])
            want_n = lab["noise_dbfs"][party]
            line = f"{party} noise {got_n:.1f}/{want_n}"
            if own:
                s0, s1 = max(own, key=lambda x: x[1] - x[0])
                got_s = gain_to_db(sox_stat([wav], ["remix", str(ch), "trim", f"{s0}", f"={s1}"])["rms"])
                line += f" speech {got_s:.1f}/{lab['speech_dbfs'][party]}"
                kind = (lab.get("conditions", {}).get("noise") or {}).get(party, {}) if party != "mixed" else {}
                if abs(got_s - lab["speech_dbfs"][party]) > 3.0:
                    line += " SPEECH-OFF"
                    bad += 1
            kind = (lab.get("conditions", {}).get("noise") or {})
            kind = kind.get(party, {}).get("kind") if party != "mixed" else (kind or {}).get("kind")
            tol = 3.0 if kind in ("office", "babble", "hum") else 1.5
            if party == "mixed":
                tol = 3.0                      # real recordings' own breaths and room sound in the gaps
            if lab["format"] in ("mulaw", "alaw") and want_n < -60:
                tol = 6.0                      # G.711 quantisation noise lifts very low floors
            if g1 - g0 >= 0.6 and kind != "office" and abs(got_n - want_n) > tol:
                line += " NOISE-OFF"
                bad += 1
            out.append(line)
        # whole-file checks: peak under PEAK_MAX, labels inside the file, expect = SPEC(segments)
        for ch in range(1, lab["channels"] + 1):
            peak = sox_stat([wav], ["remix", str(ch)])["peak"]
            if peak >= ms.PEAK_MAX:
                out.append(f"ch{ch} PEAK {peak:.3f}")
                bad += 1
        if any(not (0 <= x["start_s"] < x["end_s"] <= lab["duration_s"]) for x in lab["segments"]):
            out.append("SEGMENT-OUTSIDE")
            bad += 1
        if lab["layout"] == "agent,customer" and (lab["ring"] is None or lab["ring"]["answered"]):
            win = lab["ring"]["answered_s"] if lab["ring"] else 0.0
            conv = sorted([(x["party"], x["start_s"], x["end_s"], x["kind"]) for x in lab["segments"]
                           if x["kind"] != "pre_ring"], key=lambda x: (x[1], x[0]))
            if spec_expect(conv, win) != lab["expect"] or any(x[1] < win for x in conv):
                out.append("EXPECT-MISMATCH")
                bad += 1
        print(" | ".join(out))
    print(f"verify: {bad} problems", file=sys.stderr)
    return 1 if bad else 0


# ----------------------------------------------------------------------------------------

def _work(job):
    seed, out, real_dir, real_voices, overrides = job
    try:
        return seed, generate(seed, out, real_dir, real_voices, overrides=overrides), None
    except Exception as e:  # noqa: BLE001  (reported per seed)
        return seed, None, f"{type(e).__name__}: {e}"


def main(argv):
    if argv and argv[0] == "degrade":
        return degrade_main(argv[1:])
    if argv and argv[0] == "verify":
        return verify_main(argv[1:])
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--real-voices", choices=["tune", "held-out", "none"], default="tune")
    ap.add_argument("--real-dir", default=DEFAULT_REAL_DIR)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                    help="pin a condition (see apply_overrides), e.g. noise.customer=babble:12")
    a = ap.parse_args(argv)
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            print(f"make_calls: {tool} is not installed", file=sys.stderr)
            return 1
    if a.real_voices != "none" and not os.path.isdir(a.real_dir):
        print(f"make_calls: no real voices at {a.real_dir} (use --real-voices none)", file=sys.stderr)
        return 1
    os.makedirs(a.out, exist_ok=True)
    installed_voices()
    jobs = [(s, a.out, a.real_dir, a.real_voices, tuple(a.overrides)) for s in parse_seeds(a.seeds)]
    t0 = time.time()
    failed = 0
    if a.jobs > 1:
        with multiprocessing.Pool(a.jobs) as pool:
            results = pool.imap(_work, jobs)
            for seed, line, err in results:
                failed += err is not None
                print(line if err is None else f"call-{seed}: FAILED: {err}", file=sys.stderr, flush=True)
    else:
        for job in jobs:
            seed, line, err = _work(job)
            failed += err is not None
            print(line if err is None else f"call-{seed}: FAILED: {err}", file=sys.stderr, flush=True)
    print(f"make_calls: {len(jobs) - failed} calls in {time.time() - t0:.1f} s, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("LC_ALL", "C")
    sys.exit(main(sys.argv[1:]))
