#!/usr/bin/env python3
"""Build the labelled sample calls in Samples/ (called by make-samples.sh).

Standard library only (no numpy): a fresh Debian machine with python3, espeak-ng and
sox can regenerate every file. Each utterance is synthesised with espeak-ng, resampled
with sox, trimmed of leading/trailing silence, normalised to its party's speech level,
and placed at a chosen time on its party's channel. The labels come from that
construction (placed start, placed start + trimmed length), never from a detector.
Leakage of each voice into the other channel, background noise (sox synth with a fixed
seed, `sox -R`) and ring tones are added afterwards. Every call is checked against the
design rules in `check_call` before it is written; a broken rule stops the run.

Usage: make_samples.py OUT_DIR
"""

import array
import json
import math
import os
import subprocess
import sys
import tempfile
import wave

# ----------------------------------------------------------------------------------------
# Voices and levels

#: espeak-ng arguments per party: a female US voice with a high pitch for the agent and a
#: male voice with a low pitch for the customer, so the two parties sound clearly apart.
VOICE_ARGS = {
    "agent": ["-v", "en-us+f3", "-p", "62", "-s", "165"],
    "customer": ["-v", "en+m3", "-p", "30", "-s", "155"],
}
#: Backchannels are spoken a little faster so they stay under `BACKCHANNEL_MAX_S`.
BACKCHANNEL_SPEED_WPM = "200"

#: Default speech levels (RMS of the active 10 ms frames of each utterance), dBFS.
AGENT_DBFS = -20.0
CUSTOMER_DBFS = -22.0
#: Leakage of each voice into the other channel, dB relative to the voice's own level.
LEAK_DB = -25.0
#: Leakage delays: agent voice into the customer channel, customer voice into the agent channel.
LEAK_DELAY_AGENT_TO_CUSTOMER_S = 0.020
LEAK_DELAY_CUSTOMER_TO_AGENT_S = 0.040

#: Trimming: a sample counts as voiced when the 5 ms moving RMS is above the utterance's
#: active RMS minus this many dB (comparable to sox `silence 1 0.02 -45d`).
TRIM_BELOW_ACTIVE_DB = 40.0
#: A 10 ms frame is "active" for level measurement when within this many dB of the
#: utterance's loudest frame.
ACTIVE_FRAME_RANGE_DB = 40.0
#: Fade applied where an interrupted utterance is cut off, seconds.
CUT_FADE_S = 0.030
#: Edge ramp of ring-tone bursts (raised cosine), seconds.
TONE_RAMP_S = 0.005
#: Peak ceiling of the soft saturation used on loud voices (fraction of full scale).
LIMIT_CEILING = 0.89
#: No output sample may reach this fraction of full scale (SPEC clipping is 99.9 %).
PEAK_MAX = 0.97

# Design rules (see check_call); all in seconds.
GAP_MIN_S = 0.2             # hand-over gap, lower bound
GAP_MAX_S = 3.0             # hand-over gap / pause, upper bound (unless dead air)
PAUSE_MIN_S = 1.2           # deliberate pause, lower bound
SAME_PARTY_MIN_S = 0.3      # two segments of one party never closer (SPEC bridges < 0.2 s)
DEAD_AIR_MIN_S = 6.0        # designed dead air: clearly over SPEC's 5.0 s
AMBIGUOUS_SILENCES_S = [(0.9, 1.1), (4.8, 5.2)]  # around SPEC's pause_min_s and dead_air_min_s
BACKCHANNEL_MAX_S = 0.7
BACKCHANNEL_MARGIN_S = 0.4  # from the other's segment start and end
INTERRUPT_AFTER_MIN_S = 1.0
INTERRUPT_OVERLAP_S = (0.7, 1.2)
INTERRUPTER_GOES_ON_MIN_S = 2.0
INTERNAL_PAUSE_MAX_S = 0.15
RING_ANSWER_WITHIN_S = 10.0


def db_to_gain(db):
    return 10.0 ** (db / 20.0)


def gain_to_db(gain):
    return 20.0 * math.log10(gain) if gain > 0 else -math.inf


def r2(x):
    """Round seconds to the 10 ms label grid."""
    return round(x + 1e-9, 2)


class Failure(Exception):
    pass


def fail(call, message):
    raise Failure(f"{call}: {message}")


# ----------------------------------------------------------------------------------------
# Audio helpers (lists of floats, full scale 1.0)

def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def read_wav_mono(path):
    with wave.open(path, "rb") as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1, path
        data = array.array("h")
        data.frombytes(w.readframes(w.getnframes()))
        if sys.byteorder == "big":
            data.byteswap()
        return [s / 32768.0 for s in data], w.getframerate()


def write_wav(path, channels, rate_hz):
    length = len(channels[0])
    interleaved = array.array("h", bytes(2 * length * len(channels)))
    for c, samples in enumerate(channels):
        for i, s in enumerate(samples):
            v = int(round(s * 32768.0))
            interleaved[i * len(channels) + c] = max(-32768, min(32767, v))
    if sys.byteorder == "big":
        interleaved.byteswap()
    with wave.open(path, "wb") as w:
        w.setnchannels(len(channels))
        w.setsampwidth(2)
        w.setframerate(rate_hz)
        w.writeframes(interleaved.tobytes())


def frame_rms(samples, rate_hz, frame_s=0.01):
    n = max(1, int(round(rate_hz * frame_s)))
    out = []
    for i in range(0, len(samples) - n + 1, n):
        seg = samples[i:i + n]
        out.append(math.sqrt(sum(x * x for x in seg) / n))
    return out


def active_rms(samples, rate_hz):
    frames = frame_rms(samples, rate_hz)
    loudest = max(frames)
    floor = loudest * db_to_gain(-ACTIVE_FRAME_RANGE_DB)
    active = [f for f in frames if f > floor]
    return math.sqrt(sum(f * f for f in active) / len(active))


def rms(samples):
    return math.sqrt(sum(x * x for x in samples) / len(samples))


def trim(samples, rate_hz):
    """Cut leading and trailing silence: keep from the first to the last sample whose
    5 ms moving RMS is above the active level minus TRIM_BELOW_ACTIVE_DB."""
    level = active_rms(samples, rate_hz)
    threshold_sq = (level * db_to_gain(-TRIM_BELOW_ACTIVE_DB)) ** 2
    win = max(1, int(rate_hz * 0.005))
    acc = 0.0
    first = last = None
    for i, x in enumerate(samples):
        acc += x * x
        if i >= win:
            acc -= samples[i - win] ** 2
        if acc / win > threshold_sq:
            if first is None:
                first = max(0, i - win + 1)
            last = i
    if first is None:
        raise Failure("an utterance came out silent")
    return samples[first:last + 1]


def longest_internal_pause_s(samples, rate_hz):
    """Longest run of 10 ms frames more than 35 dB below the active level."""
    level = active_rms(samples, rate_hz)
    floor = level * db_to_gain(-35.0)
    longest = run_len = 0
    for f in frame_rms(samples, rate_hz):
        run_len = run_len + 1 if f < floor else 0
        longest = max(longest, run_len)
    return longest * 0.01


def normalise(samples, rate_hz, target_dbfs):
    """Scale to the target active RMS. A voice whose peaks would pass LIMIT_CEILING (the
    loud agent at -8 dBFS) is driven into a soft saturation y = L*tanh(k*x/L) instead, like
    a hot headset preamp: it can never pass L = LIMIT_CEILING, so it never clips, and the
    drive k is found by bisection so that the active RMS is exactly the target."""
    target = db_to_gain(target_dbfs)
    g = target / active_rms(samples, rate_hz)
    base = [x * g for x in samples]
    if max(abs(x) for x in base) <= LIMIT_CEILING:
        return base

    def driven(k):
        return [LIMIT_CEILING * math.tanh(k * x / LIMIT_CEILING) for x in base]

    lo, hi = 1.0, 64.0
    if active_rms(driven(hi), rate_hz) < target:
        raise Failure(f"cannot bring a voice to {target_dbfs} dBFS without clipping")
    for _ in range(40):
        mid = math.sqrt(lo * hi)
        if active_rms(driven(mid), rate_hz) < target:
            lo = mid
        else:
            hi = mid
    return driven(hi)


class Synth:
    """espeak-ng + sox, cached per (party, text, rate, backchannel)."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.cache = {}
        self.count = 0

    def utterance(self, party, text, rate_hz, backchannel=False):
        key = (party, text, rate_hz, backchannel)
        if key not in self.cache:
            self.count += 1
            raw = os.path.join(self.tmp, f"u{self.count}.wav")
            res = os.path.join(self.tmp, f"u{self.count}-r.wav")
            args = list(VOICE_ARGS[party])
            if backchannel:
                args[args.index("-s") + 1] = BACKCHANNEL_SPEED_WPM
            run(["espeak-ng", *args, "-w", raw, text])
            run(["sox", "-R", "-D", raw, "-r", str(rate_hz), "-b", "16", res])
            samples, rate = read_wav_mono(res)
            assert rate == rate_hz
            self.cache[key] = trim(samples, rate_hz)
        return self.cache[key]


def sox_noise(tmp, kind, rate_hz, count):
    """`count` samples of sox noise (pinknoise/brownnoise), seeded by `sox -R`."""
    path = os.path.join(tmp, f"noise-{kind}-{rate_hz}-{count}.wav")
    dur = f"{count}s"
    effects = ["highpass", "20"] if kind == "brownnoise" else []
    run(["sox", "-R", "-D", "-r", str(rate_hz), "-n", "-r", str(rate_hz), "-b", "16", "-c", "1", path,
         "synth", dur, kind, "vol", "0.5", *effects])
    samples, _ = read_wav_mono(path)
    samples = samples[:count]
    m = sum(samples) / len(samples)
    return [x - m for x in samples]


def scaled(samples, target_dbfs):
    g = db_to_gain(target_dbfs) / rms(samples)
    return [x * g for x in samples]


def hum(rate_hz, count, target_dbfs):
    """50 Hz mains hum with falling harmonics (100, 150, 250 Hz)."""
    parts = [(50, 1.0), (100, 0.5), (150, 0.35), (250, 0.2)]
    out = [sum(a * math.sin(2 * math.pi * f * i / rate_hz) for f, a in parts) for i in range(count)]
    return scaled(out, target_dbfs)


# ----------------------------------------------------------------------------------------
# Call construction

class Utt:
    def __init__(self, party, text, start_s, samples, rate_hz, kind):
        self.party = party
        self.text = text
        self.start_s = start_s          # on the 10 ms grid
        self.samples = samples
        self.rate_hz = rate_hz
        self.kind = kind                # "turn", "backchannel", "interruption"
        self.cut = False

    @property
    def end_s(self):
        return r2(self.start_s + len(self.samples) / self.rate_hz)

    def cut_at(self, cut_s):
        keep = int(round((cut_s - self.start_s) * self.rate_hz))
        if keep >= len(self.samples) - int(0.3 * self.rate_hz):
            raise Failure(f"'{self.text}' is too short to be cut at {cut_s}")
        fade = int(round(CUT_FADE_S * self.rate_hz))
        s = self.samples[:keep]
        for i in range(fade):
            s[keep - fade + i] *= 1.0 - (i + 1) / fade
        self.samples = s
        self.cut = True


class Call:
    def __init__(self, name, synth, rate_hz=8000, levels=(AGENT_DBFS, CUSTOMER_DBFS),
                 channels=2, layout="agent,customer", fmt="pcm16"):
        self.name = name
        self.synth = synth
        self.rate_hz = rate_hz
        self.levels = {"agent": levels[0], "customer": levels[1]}
        self.channels = channels
        self.layout = layout
        self.fmt = fmt
        self.utts = []
        self.floor = None               # last turn (or interruption) placed
        self.interruptions = []
        self.ring = None
        self.ring_tone = None
        self.noise = {"agent": ("floor", -65.0), "customer": ("floor", -65.0)}
        self.tail_s = 1.0
        self.notes = ""

    def _utt(self, party, text, start_s, kind):
        samples = self.synth.utterance(party, text, self.rate_hz, kind == "backchannel")
        samples = normalise(samples, self.rate_hz, self.levels[party])
        u = Utt(party, text, r2(start_s), samples, self.rate_hz, kind)
        self.utts.append(u)
        return u

    def say(self, party, text, gap=None, at=None):
        """A turn `gap` s after the end of the last turn (or at `at` s)."""
        start = at if at is not None else self.floor.end_s + gap
        self.floor = self._utt(party, text, start, "turn")
        return self.floor

    def bc(self, party, text, after=None):
        """A backchannel inside the current turn: `after` s after its start, or centred."""
        host = self.floor
        samples = self.synth.utterance(party, text, self.rate_hz, True)
        dur = len(samples) / self.rate_hz
        start = host.start_s + after if after is not None else host.start_s + (host.end_s - host.start_s - dur) / 2
        return self._utt(party, text, start, "backchannel")

    def interrupt(self, party, text, after, overlap):
        """`party` starts `after` s into the current turn; both speak for `overlap` s,
        then the current turn is cut off (30 ms fade) and the interrupter goes on."""
        host = self.floor
        u = self._utt(party, text, host.start_s + after, "interruption")
        host.cut_at(r2(u.start_s + overlap))
        self.interruptions.append({"by": party, "at_s": u.start_s, "overlap_s": r2(host.end_s - u.start_s)})
        self.floor = u
        return u

    def set_ring(self, tone_hz, on_off_s, rings, first_ring_s, answered, tone_dbfs=-20.0):
        bursts = []
        cycle = sum(on_off_s)
        for r in range(rings):
            t = first_ring_s + r * cycle
            for k in range(0, len(on_off_s), 2):
                bursts.append([r2(t), r2(t + on_off_s[k])])
                t += on_off_s[k] + on_off_s[k + 1]
        last_end = bursts[-1][1]
        self.ring = {"rings": rings, "first_ring_s": first_ring_s,
                     "answered_s": last_end if answered else None,
                     "ring_to_answer_s": r2(last_end - first_ring_s) if answered else None,
                     "answered": answered, "tone_hz": tone_hz, "on_off_s": on_off_s,
                     "bursts": bursts, "tone_dbfs": tone_dbfs}
        self.ring_cycle_s = cycle
        return last_end

    # ------------------------------------------------------------------ expectations

    def segments(self):
        return sorted(self.utts, key=lambda u: (u.start_s, u.party))

    def mutual_silences(self):
        """Silences where neither party speaks, from the first speech onset to the last
        speech end, with the party before and after."""
        segs = self.segments()
        out = []
        if not segs:
            return out
        cover_end, last_party = segs[0].end_s, segs[0].party
        for u in segs[1:]:
            if u.start_s > cover_end:
                out.append((cover_end, u.start_s, last_party, u.party))
            if u.end_s >= cover_end:
                cover_end, last_party = u.end_s, u.party
        return out

    def expect(self):
        pauses = []
        for s, e, before, after in self.mutual_silences():
            if e - s >= 1.0 - 1e-9:
                pauses.append({"start_s": s, "end_s": e, "kind": "gap" if before != after else "pause",
                               "before": before, "after": after, "dead_air": e - s >= 5.0 - 1e-9})
        bcs = {"agent": 0, "customer": 0}
        for u in self.utts:
            if u.kind == "backchannel":
                bcs[u.party] += 1
        agent_onsets = [u.start_s for u in self.utts if u.party == "agent"]
        answered = self.ring["answered_s"] if self.ring else 0.0
        return {"greeting_latency_s": r2(min(agent_onsets) - answered) if agent_onsets and answered is not None else None,
                "interruptions": self.interruptions,
                "dead_air": [{"start_s": p["start_s"], "end_s": p["end_s"]} for p in pauses if p["dead_air"]],
                "backchannels": bcs,
                "pauses": pauses}

    # ------------------------------------------------------------------ rendering

    def render(self, tmp):
        rate = self.rate_hz
        segs = self.segments()
        duration_s = r2(max(u.end_s for u in segs) + self.tail_s) if segs else 0.0
        if self.ring and not self.ring["answered"]:
            duration_s = r2(self.ring["bursts"][-1][1] + self.tail_s)
        n = int(round(duration_s * rate))
        self.duration_s = duration_s
        speech = {"agent": [0.0] * n, "customer": [0.0] * n}
        for u in self.utts:
            i0 = int(round(u.start_s * rate))
            buf = speech[u.party]
            for i, x in enumerate(u.samples):
                buf[i0 + i] += x
        self.speech = speech
        leak = db_to_gain(LEAK_DB)
        d_ac = int(round(LEAK_DELAY_AGENT_TO_CUSTOMER_S * rate))
        d_ca = int(round(LEAK_DELAY_CUSTOMER_TO_AGENT_S * rate))
        chan = {
            "agent": [speech["agent"][i] + (leak * speech["customer"][i - d_ca] if i >= d_ca else 0.0) for i in range(n)],
            "customer": [speech["customer"][i] + (leak * speech["agent"][i - d_ac] if i >= d_ac else 0.0) for i in range(n)],
        }
        offset = 0
        noise_src = sox_noise(tmp, "pinknoise", rate, 2 * n + rate)
        self.noise_dbfs = {}
        for party in ("agent", "customer"):
            kind, value = self.noise[party]
            total_dbfs = value if kind == "floor" else self.levels[party] - value
            self.noise_dbfs[party] = round(total_dbfs, 1)
            if kind == "noisy":
                # pink 80 % of the noise power, brown 15 %, hum 5 %
                pink = scaled(noise_src[offset:offset + n], total_dbfs + 10 * math.log10(0.80))
                brown = scaled(sox_noise(tmp, "brownnoise", rate, 2 * n)[offset:offset + n],
                               total_dbfs + 10 * math.log10(0.15))
                mains = hum(rate, n, total_dbfs + 10 * math.log10(0.05))
                noise = [a + b + c for a, b, c in zip(pink, brown, mains)]
            else:
                noise = scaled(noise_src[offset:offset + n], total_dbfs)
            offset += n
            buf = chan[party]
            for i in range(n):
                buf[i] += noise[i]
        if self.ring:
            amp = db_to_gain(self.ring["tone_dbfs"]) * math.sqrt(2) / math.sqrt(len(self.ring["tone_hz"]))
            ramp = int(TONE_RAMP_S * rate)
            buf = chan["customer"]
            for b0, b1 in self.ring["bursts"]:
                i0, i1 = int(round(b0 * rate)), int(round(b1 * rate))
                for i in range(i0, i1):
                    k = min(i - i0, i1 - 1 - i)
                    env = 0.5 - 0.5 * math.cos(math.pi * k / ramp) if k < ramp else 1.0
                    t = i / rate
                    buf[i] += amp * env * sum(math.sin(2 * math.pi * f * t) for f in self.ring["tone_hz"])
        self.chan = chan
        return [chan["agent"]] if self.channels == 1 else [chan["agent"], chan["customer"]]


# ----------------------------------------------------------------------------------------
# Checks: every rule of the design, on every generation

def check_call(call):
    name = call.name
    segs = call.segments()
    rate = call.rate_hz
    for u in segs:
        if u.end_s > call.duration_s:
            fail(name, f"'{u.text}' ends after the file")
        pause = longest_internal_pause_s(u.samples, rate)
        if pause >= INTERNAL_PAUSE_MAX_S:
            fail(name, f"'{u.text}' has an internal pause of {pause:.2f} s")
    # one party never overlaps itself, and its segments stay apart
    for party in ("agent", "customer"):
        own = [u for u in segs if u.party == party]
        for a, b in zip(own, own[1:]):
            if b.start_s - a.end_s < SAME_PARTY_MIN_S - 1e-9:
                fail(name, f"{party} segments {a.start_s}-{a.end_s} and {b.start_s}-{b.end_s} are too close")
    # every cross-party overlap is a designed backchannel or interruption
    by_start = {(i["by"], i["at_s"]) for i in call.interruptions}
    for a in segs:
        for b in segs:
            if a.party >= b.party:
                continue
            lo, hi = max(a.start_s, b.start_s), min(a.end_s, b.end_s)
            if hi <= lo:
                continue
            inner, outer = (a, b) if a.start_s >= b.start_s else (b, a)
            if inner.kind == "backchannel":
                dur = inner.end_s - inner.start_s
                if dur >= BACKCHANNEL_MAX_S:
                    fail(name, f"backchannel '{inner.text}' lasts {dur:.2f} s")
                if inner.start_s - outer.start_s < BACKCHANNEL_MARGIN_S - 1e-9 or \
                        outer.end_s - inner.end_s < BACKCHANNEL_MARGIN_S - 1e-9:
                    fail(name, f"backchannel '{inner.text}' at {inner.start_s} is not well inside '{outer.text}'")
            elif inner.kind == "interruption" and (inner.party, inner.start_s) in by_start:
                after = inner.start_s - outer.start_s
                overlap = r2(hi - lo)
                if after < INTERRUPT_AFTER_MIN_S - 1e-9:
                    fail(name, f"interruption at {inner.start_s} only {after:.2f} s into the turn")
                if not (INTERRUPT_OVERLAP_S[0] - 1e-9 <= overlap <= INTERRUPT_OVERLAP_S[1] + 1e-9):
                    fail(name, f"interruption at {inner.start_s} overlaps {overlap:.2f} s")
                if not outer.cut or outer.end_s != r2(inner.start_s + overlap):
                    fail(name, f"interrupted turn '{outer.text}' is not cut at the overlap end")
                if inner.end_s - outer.end_s <= INTERRUPTER_GOES_ON_MIN_S:
                    fail(name, f"interrupter at {inner.start_s} stops too soon after the cut")
            else:
                fail(name, f"undesigned overlap {lo}-{hi} between '{a.text}' and '{b.text}'")
    # mutual silences: no ambiguous lengths; gaps and pauses in their ranges; dead air long
    for s, e, before, after in call.mutual_silences():
        length = r2(e - s)
        for lo, hi in AMBIGUOUS_SILENCES_S:
            if lo - 1e-9 <= length <= hi + 1e-9:
                fail(name, f"mutual silence {s}-{e} ({length} s) is ambiguous")
        if length >= 5.0:
            if length < DEAD_AIR_MIN_S - 1e-9:
                fail(name, f"dead air {s}-{e} is shorter than {DEAD_AIR_MIN_S} s")
            continue
        if length > GAP_MAX_S + 1e-9:
            fail(name, f"silence {s}-{e} ({length} s) is neither a gap/pause nor dead air")
        if before != after and length < GAP_MIN_S - 1e-9:
            fail(name, f"hand-over gap {s}-{e} is under {GAP_MIN_S} s")
        if before == after and 1.0 <= length < PAUSE_MIN_S - 1e-9:
            fail(name, f"pause {s}-{e} is under {PAUSE_MIN_S} s")
    # levels and clipping
    for party, buf in call.chan.items():
        if call.channels == 1 and party == "customer":
            continue
        peak = max(abs(x) for x in buf)
        if peak >= PEAK_MAX:
            fail(name, f"{party} channel peaks at {peak:.3f} of full scale")
    for u in segs:
        got = gain_to_db(active_rms(u.samples, rate))
        if u.kind != "interruption" and not u.cut and abs(got - call.levels[u.party]) > 0.3:
            fail(name, f"'{u.text}' is at {got:.1f} dBFS, not {call.levels[u.party]}")
    # rings
    if call.ring:
        bursts = call.ring["bursts"]
        first_speech = segs[0].start_s if segs else None
        if first_speech is not None and first_speech < bursts[-1][1]:
            fail(name, "speech starts during the ringing")
        if call.ring["answered"]:
            next_burst = r2(call.ring["first_ring_s"] + call.ring["rings"] * call.ring_cycle_s)
            if not (first_speech - bursts[-1][1] < RING_ANSWER_WITHIN_S and first_speech < next_burst):
                fail(name, "the answer does not follow the last burst in time")
        elif call.duration_s - bursts[-1][1] < 12.0 - 1e-9 or segs:
            fail(name, "an abandoned call needs 12 s without speech after the last ring")
    # what the expect block promises is really there
    exp = call.expect()
    if len(exp["interruptions"]) != len(call.interruptions):
        fail(name, "interruption count mismatch")
    return exp


def report(call, exp):
    c = exp["backchannels"]
    print(f"{call.name}.wav: {call.duration_s:.2f} s, {call.rate_hz} Hz x{call.channels}, "
          f"{len(call.utts)} segments, {len(exp['interruptions'])} interruptions, "
          f"{len(exp['dead_air'])} dead air, backchannels agent {c['agent']} customer {c['customer']}, "
          f"{len(exp['pauses'])} pauses >= 1 s" + (f", ring {call.ring['rings']}" if call.ring else ""))


def dump_labels(labels):
    """JSON with one line per key, and one line per segment, so diffs stay readable."""
    lines = []
    for key, value in labels.items():
        if key in ("segments", "leak_sources") and value:
            body = ",\n".join("  " + json.dumps(v) for v in value)
            lines.append(f' {json.dumps(key)}: [\n{body}\n ]')
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def write_call(call, out_dir, tmp):
    channels = call.render(tmp)
    exp = check_call(call)
    wav_name = f"{call.name}.wav"
    path = os.path.join(out_dir, wav_name)
    if call.fmt == "mulaw":
        pcm = os.path.join(tmp, wav_name)
        write_wav(pcm, channels, call.rate_hz)
        run(["sox", "-R", "-D", pcm, "-e", "u-law", "-b", "8", path])
    else:
        write_wav(path, channels, call.rate_hz)
    parties = ["agent"] if call.channels == 1 else ["agent", "customer"]
    labels = {
        "wav": wav_name,
        "sample_rate_hz": call.rate_hz,
        "channels": call.channels,
        "format": call.fmt,
        "layout": call.layout,
        "duration_s": call.duration_s,
        "segments": [{"party": u.party, "start_s": u.start_s, "end_s": u.end_s, "text": u.text,
                      "kind": u.kind, **({"cut": True} if u.cut else {})}
                     for u in call.segments() if u.party in parties],
        "ring": call.ring,
        "expect": exp if call.channels == 2 else {
            "greeting_latency_s": exp["greeting_latency_s"], "interruptions": None, "dead_air": None, "pauses": None,
            "backchannels": {"agent": exp["backchannels"]["agent"], "customer": None}},
        "speech_dbfs": {p: (call.levels[p] if any(u.party == p for u in call.utts) else None) for p in parties},
        "noise_dbfs": {p: call.noise_dbfs[p] for p in parties},
        "snr_db": {p: (call.noise[p][1] if call.noise[p][0] != "floor" else None) for p in parties},
        "leak_db": LEAK_DB,
        "leak_delay_s": {"agent_to_customer": LEAK_DELAY_AGENT_TO_CUSTOMER_S,
                         "customer_to_agent": LEAK_DELAY_CUSTOMER_TO_AGENT_S},
        "notes": call.notes,
    }
    if call.channels == 1:
        labels["leak_sources"] = [{"party": u.party, "start_s": u.start_s, "end_s": u.end_s}
                                  for u in call.segments() if u.party not in parties]
    with open(os.path.join(out_dir, f"{call.name}.labels.json"), "w") as f:
        f.write(dump_labels(labels))
    report(call, exp)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = sys.argv[1]
    only = os.environ.get("ONLY")
    with tempfile.TemporaryDirectory(prefix="callpulse-samples-") as tmp:
        synth = Synth(tmp)
        for name, build in CALLS:
            if only and name != only:
                continue
            try:
                call = build(Call, synth)
                assert call.name == name
                write_call(call, out_dir, tmp)
            except Failure as e:
                print(f"make_samples: FAILED: {e}", file=sys.stderr)
                return 1
    return 0


from make_samples_scripts import CALLS  # noqa: E402  (the call scripts, kept apart)

if __name__ == "__main__":
    sys.exit(main())
