/// Groups tone bursts into rings and learns the cadence (SPEC "Ring").
///
/// Bursts separated by at most `maxIntraRingGapS` form a group (a double ring is one group).
/// A group is a ring when every burst is steady and `minBurstS`-`maxBurstS` long, it has at
/// most `maxBurstsPerRing` bursts, it is preceded and followed by at least `minRingOffS` of
/// no tone (or by the start of ringing, or the answer), the second before it was quiet, and its
/// tone matches the first ring's. The last ring may be cut short by the answer: a burst shorter
/// than `minBurstS` still counts when its tone and its onset fit the rings before it.
struct RingTracker: Sendable {
    let config: RingConfig
    let intraGapFrames: Int
    let minRingOffFrames: Int
    let minBurstFrames: Int
    let minSingleBurstFrames: Int
    let maxBurstFrames: Int
    let eventAfterFrames: Int
    /// Block centroids of the same tone agree within this, Hz (coarse 10 Hz bins, interpolated).
    static let sameToneHz = 8.0
    /// A ring's onset, or the gap before it, may be this fraction of the learnt period or
    /// off time away from the cadence and still follow it (30 %: national plans allow 10-20 %,
    /// and onset times carry up to 0.1 s of detection jitter).
    static let cadenceTolerance = 0.3
    /// Least tolerance on a pinned burst length, frames (50 ms, one block).
    static let minPinnedToleranceFrames = 5

    private(set) var rings: [Ring] = []
    private(set) var allBursts: [ToneBurst] = []
    /// Mean centroid of each ring (parallel to `rings`).
    private var ringCentroids: [Double] = []
    private var ringFrequencies: [[Double]] = []

    private var group: [ToneTrack] = []
    /// A first ring kept for want of a quiet second before it, until the next ring repeats it.
    private var heldGroup: [ToneTrack]? = nil
    /// End of the latest steady tone burst (of any length) that was not the line's background.
    private var lastSteadyBurstEnd: (endFrame: Int, pitchHz: Double)? = nil
    /// End of the latest steady burst of a ring burst's length or more (a ring, or a note).
    private var lastSteadyNoteEnd: Int? = nil
    /// Pitch of the line's last background tone (see `isBackground`).
    private var backgroundPitchHz: Double? = nil
    /// End of the latest steady burst before the open group began (see `isSteadyRingButForItsPreGap`).
    private var steadyEndBeforeGroup: (endFrame: Int, pitchHz: Double)? = nil
    /// Bursts of a repeated ring may differ in length by this much, frames (0.1 s: onsets and
    /// ends under noise move by a block).
    static let repeatedLengthToleranceFrames = 10
    private var groupOpen = false
    private var groupPrecedingGap: Int? = nil
    private var liveOnset: Int? = nil
    private var lastEnd: Int? = nil
    /// `lastEnd` before the last burst joined the group (see `burstStarted`).
    private var lastEndBefore: Int? = nil
    private var pendingEventOnset: Int? = nil
    /// A live report still pending when its burst ended: its onset, number and tone, and the
    /// burst's end (the same tone again within a frame or two takes it up, see `burstEnded`).
    private var interruptedEvent: (onset: Int, number: Int, centroidHz: Double, endFrame: Int)? = nil
    private var pendingEventNumber = 0
    /// Tones of steady bursts too short for a ring heard before any ring (call-waiting beeps
    /// and the like): later bursts of these tones are not reported live as a first ring.
    private var beepCentroids: [Double] = []
    /// Most beep tones remembered.
    static let maxBeepTones = 8

    init(config: RingConfig) {
        self.config = config
        var intraGap = config.maxIntraRingGapS
        if let pinned = config.pinnedCadenceS, pinned.count >= 4 {
            // The longest gap inside a pinned ring, with the same tolerance as the bursts.
            let inner = stride(from: 1, to: pinned.count - 1, by: 2).map { pinned[$0] }
            intraGap = max(intraGap, (inner.max() ?? 0) * (1 + config.pinnedTolerance))
        }
        intraGapFrames = FrameClock.frames(intraGap)
        minRingOffFrames = FrameClock.frames(config.minRingOffS)
        minBurstFrames = FrameClock.frames(config.minBurstS)
        minSingleBurstFrames = FrameClock.frames(config.minSingleBurstS)
        maxBurstFrames = FrameClock.frames(config.maxBurstS)
        eventAfterFrames = FrameClock.frames(config.eventAfterS)
    }

    /// A burst shorter than a ring burst whose tone differs from the rings', or wavers, or that
    /// follows a noisy second (a syllable of the answer, a note of music) is no neighbour of a
    /// ring: it neither joins a ring nor shortens the off period around one.
    private func isNegligible(_ track: ToneTrack, noteEndedBefore: Int?) -> Bool {
        // A burst that wavers like a voice is none at any length: a ring burst is steady (a
        // sung note after the ringing, a voice of the babble held for half a second, would
        // otherwise shorten the off period before the next ring and void it).
        if track.spreadHz > config.maxCentroidSpreadHz { return true }
        let reference = ringCentroids.first ?? group.first?.centroidHz ?? track.centroidHz
        // Inside a ring (the gap of a double ring) the second before is the first burst.
        let insideRing = groupOpen && lastEnd.map { track.startFrame - $0 <= intraGapFrames } ?? false
        let otherTone = abs(track.centroidHz - reference) > Self.sameToneHz
        let afterSound = !insideRing && track.preGapRatio > maxPreGapRatio(centroidHz: track.centroidHz)
        // A burst of a ring burst's length is one unless it has another tone than the rings
        // and follows sound that held no steady note of that length within the second before
        // it (a voice of the babble held for half a second between two rings; but the second
        // note of a melody, right after the first, is music and voids the "rings" it repeats with).
        guard track.lengthFrames < minBurstFrames else {
            let afterNote = noteEndedBefore.map { track.startFrame - $0 <= ToneDetector.preGapFrames } ?? false
            return otherTone && afterSound && !afterNote
        }
        return otherTone || afterSound
    }

    /// A tone under a louder one that has sounded, in touching pieces of its pitch, for at
    /// least a ring's off period: the line's background (a mains harmonic in the ringing band).
    private func isBackground(_ track: ToneTrack) -> Bool {
        track.underLouderTone && track.endFrame - track.runStartFrame >= minRingOffFrames
    }

    mutating func burstStarted(onsetFrame: Int, centroidHz: Double, preGapRatio: Double, backgroundEndFrame: Int? = nil) {
        // The burst that just ended lies under this louder one (see `ToneTrack.underLouderTone`):
        // it is the line's background, not a neighbour, and leaves the group it joined — unless
        // it has the rings' own tone (a ring cut by a louder connect beep at the answer).
        if let backgroundEndFrame, groupOpen, let last = group.last, last.endFrame == backgroundEndFrame,
           !(ringCentroids.first.map { abs($0 - last.centroidHz) <= Self.sameToneHz } ?? false) {
            group.removeLast()
            lastEnd = lastEndBefore
            if group.isEmpty { groupOpen = false }
        }
        liveOnset = onsetFrame
        pendingEventOnset = nil
        if let interrupted = interruptedEvent, onsetFrame - interrupted.endFrame <= ToneDetector.touchingFrames,
           abs(interrupted.centroidHz - centroidHz) <= Self.sameToneHz / 2 {
            // The burst whose report was pending goes on (it will be joined with this one).
            interruptedEvent = nil
            liveOnset = interrupted.onset
            pendingEventOnset = interrupted.onset
            pendingEventNumber = interrupted.number
            return
        }
        interruptedEvent = nil
        let gap = lastEnd.map { onsetFrame - $0 }
        if groupOpen, let gap, gap <= intraGapFrames { return }
        // Live report: a burst after a long enough off period, after a quiet second, of the
        // rings' tone, and (once the period is known) on time.
        guard gap.map({ $0 >= minRingOffFrames }) ?? true, preGapRatio <= maxPreGapRatio(centroidHz: centroidHz) else { return }
        var ringsSoFar = rings.map(\.onsetFrame)
        if groupOpen, !group.isEmpty, isRing(group, precedingGap: groupPrecedingGap, followingGap: gap) {
            ringsSoFar.append(group[0].startFrame)
        }
        if let reference = ringCentroids.first ?? (groupOpen ? group.first?.centroidHz : nil),
           abs(reference - centroidHz) > Self.sameToneHz { return }
        if ringsSoFar.isEmpty, beepCentroids.contains(where: { abs($0 - centroidHz) <= Self.sameToneHz }) { return }
        if ringsSoFar.count >= 2 {
            let period = ringsSoFar[ringsSoFar.count - 1] - ringsSoFar[ringsSoFar.count - 2]
            let expected = ringsSoFar[ringsSoFar.count - 1] + period
            guard Double(abs(onsetFrame - expected)) <= Self.cadenceTolerance * Double(period) else { return }
        }
        pendingEventOnset = onsetFrame
        pendingEventNumber = ringsSoFar.count + 1
    }

    mutating func burstEnded(_ track: ToneTrack) {
        interruptedEvent = pendingEventOnset.map { (onset: $0, number: pendingEventNumber, centroidHz: track.centroidHz, endFrame: track.endFrame) }
        liveOnset = nil
        pendingEventOnset = nil
        allBursts.append(track.burst)
        if rings.isEmpty, track.lengthFrames < minBurstFrames, track.spreadHz <= config.maxCentroidSpreadHz,
           beepCentroids.count < Self.maxBeepTones,
           !beepCentroids.contains(where: { abs($0 - track.centroidHz) <= Self.sameToneHz / 2 }) {
            beepCentroids.append(track.centroidHz)
        }
        if isBackground(track) {
            // The run's first pieces joined the group before the run was long enough to be
            // the line's background (a click broke the hum soon after a ring, or the hum was
            // there from the start, under a second before the first ring): they leave it.
            backgroundPitchHz = track.centroidHz
            if groupOpen {
                let kept = group.filter { $0.startFrame < track.runStartFrame || abs($0.centroidHz - track.centroidHz) > ToneDetector.otherToneHz }
                if kept.count < group.count {
                    group = kept
                    if let last = group.last { lastEnd = last.endFrame } else { groupOpen = false; lastEnd = lastEndBefore }
                }
            }
            return
        }
        if groupOpen, let last = group.last, track.startFrame - last.endFrame <= ToneDetector.touchingFrames,
           abs(last.centroidHz - track.centroidHz) <= Self.sameToneHz / 2 {
            // The same tone again after a frame or two: the detector lost it for a block under
            // noise; one burst (whatever this piece alone would be).
            group[group.count - 1] = last.joined(with: track)
            lastEnd = track.endFrame
            return
        }
        let steadyEndBefore = lastSteadyBurstEnd
        let noteEndBefore = lastSteadyNoteEnd
        if track.spreadHz <= config.maxCentroidSpreadHz {
            lastSteadyBurstEnd = (track.endFrame, track.centroidHz)
            if track.lengthFrames >= minBurstFrames { lastSteadyNoteEnd = track.endFrame }
        }
        if isNegligible(track, noteEndedBefore: noteEndBefore) { return }
        let gap = lastEnd.map { track.startFrame - $0 }
        lastEndBefore = lastEnd
        lastEnd = track.endFrame
        if groupOpen, let gap, gap <= intraGapFrames {
            group.append(track)
            return
        }
        if groupOpen { finalizeGroup(followingGap: gap) }
        steadyEndBeforeGroup = steadyEndBefore
        groupOpen = true
        group = [track]
        groupPrecedingGap = gap
    }

    /// Called once per frame after the tone detector (`lastToneFrame`: end of the last block
    /// judged tone): reports a ring once its burst has held `eventAfterS`, and closes
    /// a group once the off period that follows it is long enough.
    mutating func tick(frame: Int, lastToneFrame: Int) -> RingEvent? {
        if groupOpen, liveOnset == nil, let lastEnd, frame - lastEnd >= minRingOffFrames {
            finalizeGroup(followingGap: nil)
        }
        if let onset = pendingEventOnset, liveOnset != nil, lastToneFrame - onset >= eventAfterFrames {
            pendingEventOnset = nil
            return RingEvent(ringNumber: pendingEventNumber, onsetFrame: onset)
        }
        return nil
    }

    mutating func finish() {
        if groupOpen { finalizeGroup(followingGap: nil) }
    }

    private mutating func finalizeGroup(followingGap: Int?) {
        defer {
            groupOpen = false
            group = []
        }
        guard !group.isEmpty else { return }
        if isRing(group, precedingGap: groupPrecedingGap, followingGap: followingGap) {
            if let held = heldGroup, repeats(held, as: group) { appendRing(held) }
            heldGroup = nil
            appendRing(group)
        } else if rings.isEmpty, isSteadyRingButForItsPreGap(group, precedingGap: groupPrecedingGap, followingGap: followingGap) {
            // A first ring over noise that fills the second before it: kept until the next
            // one repeats it (see `RingConfig.maxPreGapRatioRepeated`).
            if let held = heldGroup, repeats(held, as: group) {
                appendRing(held)
                appendRing(group)
                heldGroup = nil
            } else {
                heldGroup = group
            }
        }
    }

    private mutating func appendRing(_ bursts: [ToneTrack]) {
        rings.append(Ring(bursts: bursts.map(\.burst)))
        let centroid = bursts.map(\.centroidHz).reduce(0, +) / Double(bursts.count)
        ringCentroids.append(centroid)
        ringFrequencies.append(contentsOf: bursts.filter { $0.lengthFrames >= minBurstFrames }.map(\.frequenciesHz))
    }

    /// A group that is a ring in every way but the second before it, which holds at most
    /// `maxPreGapRatioRepeated` of its energy, and whose bursts hold their tone within
    /// `maxRepeatedSpreadHz` (a ring tone is stable to < 1 Hz, a sung note is not).
    private func isSteadyRingButForItsPreGap(_ bursts: [ToneTrack], precedingGap: Int?, followingGap: Int?) -> Bool {
        // What filled the second before must not be a steady tone (a note of hold music before
        // its repeated lead note): noise and voices, not music.
        // (The line's background tone, known by now from its pieces after the ring, does not count.)
        let quietOfTones = steadyEndBeforeGroup.map { steady in
            bursts[0].startFrame - steady.endFrame > ToneDetector.preGapFrames
                || backgroundPitchHz.map { abs($0 - steady.pitchHz) <= ToneDetector.otherToneHz } ?? false
        } ?? true
        return quietOfTones && bursts.allSatisfy { $0.spreadHz <= config.maxRepeatedSpreadHz }
            && isRing(bursts, precedingGap: precedingGap, followingGap: followingGap, maxPreGap: config.maxPreGapRatioRepeated)
    }

    /// Whether `next` repeats `held` as the next ring of one cadence: as many bursts, each of
    /// the same tone and length, starting one ring period later.
    private func repeats(_ held: [ToneTrack], as next: [ToneTrack]) -> Bool {
        guard held.count == next.count else { return false }
        for (a, b) in zip(held, next) {
            guard abs(a.centroidHz - b.centroidHz) <= Self.sameToneHz / 2,
                  abs(a.lengthFrames - b.lengthFrames) <= Self.repeatedLengthToleranceFrames else { return false }
        }
        let period = FrameClock.seconds(next[0].startFrame - held[0].startFrame)
        return config.repeatedPeriodS.contains(period)
    }

    /// `maxPreGap` replaces the bound on the second before the ring (`maxPreGapRatio(centroidHz:)`).
    private func isRing(_ bursts: [ToneTrack], precedingGap: Int?, followingGap: Int?, maxPreGap: Double? = nil) -> Bool {
        guard bursts.count <= config.maxBurstsPerRing else { return false }
        if let gap = precedingGap, gap < minRingOffFrames { return false }
        if let gap = followingGap, gap < minRingOffFrames { return false }
        guard bursts[0].preGapRatio <= maxPreGap ?? maxPreGapRatio(centroidHz: bursts[0].centroidHz) else { return false }
        let reference = ringCentroids.first ?? bursts[0].centroidHz
        for burst in bursts {
            guard burst.spreadHz <= config.maxCentroidSpreadHz,
                  abs(burst.centroidHz - reference) <= Self.sameToneHz,
                  burst.lengthFrames <= maxBurstFrames else { return false }
        }
        let shortIndices = bursts.indices.filter { bursts[$0].lengthFrames < minBurstFrames }
        if let pinned = config.pinnedCadenceS, !pinned.isEmpty {
            let pinnedOn = stride(from: 0, to: pinned.count, by: 2).map { pinned[$0] }
            guard bursts.count <= pinnedOn.count else { return false }
            let cutShortAllowed = followingGap == nil && !rings.isEmpty
            for (i, burst) in bursts.enumerated() {
                let expected = FrameClock.frames(pinnedOn[i])
                let tolerance = max(FrameClock.frames(pinnedOn[i] * config.pinnedTolerance), Self.minPinnedToleranceFrames)
                let cutShort = cutShortAllowed && i == bursts.count - 1 && burst.lengthFrames < expected
                guard cutShort || abs(burst.lengthFrames - expected) <= tolerance else { return false }
            }
            if bursts.count < pinnedOn.count, !cutShortAllowed { return false }
        }
        let complete = shortIndices.isEmpty && (bursts.count >= 2 || bursts[0].lengthFrames >= minSingleBurstFrames)
        if complete { return true }
        // Cut short by the answer: only the last burst of the last ring may be short, and only
        // when the rings before it set the tone and the off period.
        guard shortIndices.allSatisfy({ $0 == bursts.count - 1 }), followingGap == nil, !rings.isEmpty,
              abs(bursts[0].centroidHz - reference) <= Self.sameToneHz / 2 else { return false }
        if let gap = precedingGap, let off = learntOffFrames() {
            return Double(abs(gap - off)) <= Self.cadenceTolerance * Double(off)
        }
        return true
    }

    /// How loud the second before a ring may be (`RingConfig.maxPreGapRatio`): looser for a
    /// burst of the rings' own tone once a ring has been heard.
    private func maxPreGapRatio(centroidHz: Double) -> Double {
        guard let reference = ringCentroids.first, abs(centroidHz - reference) <= Self.sameToneHz / 2 else {
            return config.maxPreGapRatio
        }
        return config.maxPreGapRatioOnceRinging
    }

    // MARK: Cadence

    /// The off period learnt so far: median gap from a ring's end to the next ring's onset.
    func learntOffFrames() -> Int? {
        guard rings.count >= 2 else {
            if let pinned = config.pinnedCadenceS, let off = pinned.last, pinned.count >= 2 { return FrameClock.frames(off) }
            return nil
        }
        let offs = zip(rings, rings.dropFirst()).map { $1.onsetFrame - $0.endFrame }
        return offs.sorted()[offs.count / 2]
    }

    /// The learnt on/off pattern in seconds: the bursts and gaps of the most common ring shape
    /// (median of each), then the off period (median); the pinned cadence when nothing was learnt.
    var cadenceS: [Double] {
        let complete = rings.count >= 2 ? Array(rings.dropLast()) : rings
        guard !complete.isEmpty else { return config.pinnedCadenceS ?? [] }
        var counts: [Int: Int] = [:]
        for ring in complete { counts[ring.bursts.count, default: 0] += 1 }
        let shape = counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }!.key
        let same = complete.filter { $0.bursts.count == shape }
        var pattern: [Double] = []
        for i in 0..<shape {
            pattern.append(median(same.map { $0.bursts[i].endFrame - $0.bursts[i].startFrame }))
            if i < shape - 1 {
                pattern.append(median(same.map { $0.bursts[i + 1].startFrame - $0.bursts[i].endFrame }))
            }
        }
        if let off = learntOffFrames(), rings.count >= 2 { pattern.append(FrameClock.seconds(off)) }
        return pattern
    }

    private func median(_ frames: [Int]) -> Double {
        let sorted = frames.sorted()
        let n = sorted.count
        let mid = n % 2 == 1 ? Double(sorted[n / 2]) : Double(sorted[n / 2 - 1] + sorted[n / 2]) / 2
        return roundedToHundredths(mid / Double(FrameClock.framesPerSecond))
    }

    /// The tone frequencies of the rings: the shape most bursts agree on (one tone or a pair),
    /// each the median over those bursts, rounded to 1 Hz.
    var toneHz: [Double] {
        guard !ringFrequencies.isEmpty else {
            return ringCentroids.first.map { [$0.rounded()] } ?? []
        }
        let pairs = ringFrequencies.filter { $0.count == 2 }
        let singles = ringFrequencies.filter { $0.count == 1 }
        let chosen = pairs.count > singles.count ? pairs : singles
        let width = chosen[0].count
        return (0..<width).map { i in
            let values = chosen.map { $0[i] }.sorted()
            return values[values.count / 2].rounded()
        }
    }
}
