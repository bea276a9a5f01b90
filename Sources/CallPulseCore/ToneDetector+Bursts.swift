// The burst state machine of the tone detector: a block decision that holds for two blocks
// starts or ends a burst; onset and end are placed on the 5-frame smoothed band energy.

extension ToneDetector {
    /// A block decision (tone / no tone) must hold this many 50 ms blocks to start or end a burst.
    static let holdBlocks = 2
    /// Shortest pre-gap that is measured, frames (0.1 s); a shorter one reads as not quiet.
    static let minPreGapFrames = 10
    /// The end search starts this many frames before the last tone block (its 5-frame
    /// smoothing and the block's own 50 ms).
    static let endSearchBackFrames = 7
    /// The end search stops after this many frames in a row under the edge threshold.
    static let endMissFrames = 3
    /// A previous burst with less than this share of a new burst's energy (-3 dB) is background
    /// (a voice of the babble behind the ringing), not a note the new burst continues.
    static let backgroundBurstRatio = 0.5
    /// Steadiness is judged without the most deviant block once a burst has this many blocks.
    static let minBlocksForOutlier = 5
    /// Bursts at most this many frames apart touch: the detector went from one tone straight
    /// to another (the stronger of two tones takes the block's centroid).
    static let touchingFrames = 3
    /// Two touching bursts whose tones differ by more than this, Hz, are two tones.
    static let otherToneHz = 8.0

    /// The tone heard since the last block without one (a tone starting, or sounding): the
    /// level of the latest 50 ms in the 0-1 kHz band, dBFS, and the mean centroid of its
    /// blocks, Hz; `nil` when no tone is heard. Called once per frame.
    func heardToneNow() -> HeardTone? {
        guard toneRun > 0 else { return nil }
        let sums = energySums(from: framesProcessed - Self.blockFrames, to: framesProcessed)
        return HeardTone(
            levelDbfs: decibels(power: Double(sums.energy) / Double(max(sums.samples, 1))),
            pitchHz: burstCentroidSum / Double(max(toneActive ? burstBlocks : toneRun, 1))
        )
    }

    mutating func analyzeBlock() -> Change? {
        let now = framesProcessed
        let centroid = blockTone()
        if !toneActive {
            guard let centroid else {
                toneRun = 0
                return nil
            }
            toneRun += 1
            burstCentroids[toneRun - 1] = centroid
            burstPeakMeans[toneRun - 1] = blockPeakMeanHz
            burstCentroidSum = toneRun == 1 ? centroid : burstCentroidSum + centroid
            guard toneRun >= Self.holdBlocks else { return nil }
            return startBurst(now: now)
        }
        // A block whose tone moved away from the burst's is not part of it: the answer's first
        // syllable, or the next note of a melody.
        if let centroid, burstBlocks == Self.holdBlocks, burstPreGapRatio <= config.maxPreGapRatioBabble,
           abs(burstCentroids[0] - burstCentroids[1]) > Self.maxCentroidJumpHz,
           abs(centroid - burstCentroids[1]) <= Self.maxCentroidJumpHz {
            // A tone that began after a quiet enough second (the loosest bar a first ring
            // passes), whose first block straddled its onset (babble with the tone's first
            // 50 ms), and whose next two blocks agree: that block leaves the burst's pitch,
            // which would otherwise lie between the two and end the burst at its third block.
            // (A tone heard again between a voice's words follows no quiet second.)
            burstCentroidSum -= burstCentroids[0]
            burstCentroids[0] = burstCentroids[1]
            burstPeakMeans[0] = burstPeakMeans[1]
            burstBlocks = 1
        }
        let reference = burstCentroidSum / Double(max(burstBlocks, 1))
        guard let centroid, abs(centroid - reference) <= Self.maxCentroidJumpHz else {
            offRun += 1
            return offRun >= Self.holdBlocks ? endBurst() : nil
        }
        offRun = 0
        if burstBlocks < Self.maxLoggedBlocks {
            burstCentroids[burstBlocks] = centroid
            burstPeakMeans[burstBlocks] = blockPeakMeanHz
        }
        burstBlocks += 1
        burstCentroidSum += centroid
        let recent = energySums(from: now - Self.blockFrames, to: now)
        burstBandSum += recent.energy
        burstBandFrames += Self.blockFrames
        burstLastToneFrame = now
        if burstFrequencies == nil, now - burstOnset >= Int(Self.fineWindowS * Double(FrameClock.framesPerSecond)) + 2,
           historyWritten >= fineLength {
            burstFrequencies = fineFrequencies(around: burstCentroidSum / Double(burstBlocks))
        }
        return nil
    }

    /// Mean 0-1 kHz energy of frames `[f-2, f+2]` (those available).
    func smoothedBand(_ f: Int, upTo end: Int) -> Float {
        let lower = max(f - 2, framesProcessed - Self.historyFrames, 0)
        let upper = min(f + 3, end)
        guard lower < upper else { return 0 }
        var sum: Float = 0
        for g in lower..<upper { sum += frameStats[g % Self.historyFrames][0] }
        return sum / Float(upper - lower)
    }

    mutating func startBurst(now: Int) -> Change {
        toneActive = true
        offRun = 0
        burstBlocks = toneRun
        burstFrequencies = nil
        let recent = energySums(from: now - Self.blockFrames, to: now)
        // The tone's level: the highest 5-frame mean of frame energy in the last window (the
        // decision lags the signal by up to a window, so the last frames may be past the tone).
        var level: Float = 0
        for f in (now - Self.windowFrames + 2)..<(now - 2) { level = max(level, smoothedBand(f, upTo: now)) }
        burstBandSum = recent.energy
        burstBandFrames = Self.blockFrames
        burstLastToneFrame = now
        // Onset: the earliest frame of the run whose smoothed energy holds 40 % of the
        // tone's level; with a 5-frame average that frame is one before the step.
        let threshold = Self.edgeThreshold * level
        func onsetSearch(notBefore floor: Int) -> Int {
            let lowest = max(now - 4 * Self.windowFrames, framesProcessed - Self.historyFrames + 2, floor, 0)
            var f = now - 3
            while f - 1 >= lowest, smoothedBand(f - 1, upTo: now) >= threshold { f -= 1 }
            return (f == 0 && smoothedBand(0, upTo: now) >= threshold) ? 0 : min(f + 1, now - 1)
        }
        func meanEnergy(from start: Int) -> Float {
            let sums = energySums(from: start, to: now)
            return sums.energy / Float(max(sums.samples, 1))
        }
        var onset = onsetSearch(notBefore: lastBurstEnd ?? 0)
        var toneEnergy = meanEnergy(from: onset)
        // A burst that touches the last one with another pitch: the quieter of the two lies
        // under the louder one (a hum harmonic in the ringing band under a ring: the detector
        // follows the ring while it sounds and the hum around it).
        let centroid = burstCentroidSum / Double(toneRun)
        let adjacent = lastBurstEnd.map { onset - $0 <= Self.touchingFrames } ?? false
        let samePitch = abs(centroid - lastBurstCentroid) <= Self.otherToneHz
        let touching = adjacent && !samePitch
        let ratioLimit = Float(Self.backgroundBurstRatio)
        let previousQuieter = touching && lastBurstEnergy < ratioLimit * toneEnergy
        let underLouder = touching && toneEnergy < ratioLimit * lastBurstEnergy
        // Only a tone that has sounded for a ring's off period, or since the input began, is the
        // line's background (`previousUnder`): this onset is searched past it. A short note
        // before a louder one (an arpeggio of hold music) stays its neighbour.
        let previousUnder = previousQuieter && (lastBurstRunStart == 0
            || (lastBurstEnd ?? 0) - lastBurstRunStart >= FrameClock.frames(config.minRingOffS))
        if previousQuieter {
            hiddenRun = (pitchHz: lastBurstCentroid, startFrame: lastBurstRunStart)
        }
        // A piece of the same pitch touching the last one continues its run (a click or a word
        // broke a hum for a moment) and inherits whether it lay under a louder tone; so does a
        // piece that comes back from under the louder burst that hid it (the hum in the 0.2 s
        // gap of a double ring, or after a ring).
        let samePitchTouching = adjacent && samePitch
        if samePitchTouching {
            burstRunStart = lastBurstRunStart
        } else if underLouder, let hidden = hiddenRun, abs(hidden.pitchHz - centroid) <= Self.otherToneHz {
            burstRunStart = hidden.startFrame
        } else {
            burstRunStart = onset
        }
        burstUnderLouderTone = underLouder || (samePitchTouching && lastBurstUnder)
        if previousUnder {
            onset = onsetSearch(notBefore: 0)
            toneEnergy = meanEnergy(from: onset)
        }
        burstOnset = onset

        // Pre-gap: up to a second before the onset, after the previous burst. A burst that
        // follows the previous one within 0.13 s continues it (a melody, a voice): never quiet.
        // A previous burst well under this tone (a voice of the babble behind the ringing) is
        // part of the gap, not a note the tone continues.
        let previousEnd = lastBurstEnergy < Float(Self.backgroundBurstRatio) * toneEnergy ? nil : lastBurstEnd
        let gapStart = max(onset - Self.preGapFrames, previousEnd ?? 0, framesProcessed - Self.historyFrames)
        let gapEnd = onset - Self.preGapGuardFrames
        var ratio = 0.0
        if gapEnd - gapStart >= Self.minPreGapFrames {
            let before = energySums(from: gapStart, to: gapEnd)
            ratio = toneEnergy > 0 ? Double(before.energy / Float(max(before.samples, 1)) / toneEnergy) : .infinity
        }
        if let previousEnd, gapStart == previousEnd, gapEnd - gapStart < Self.preGapFrames / 2 {
            // Less than half a second since the last burst: too little to call the gap quiet.
            ratio = .infinity
        }
        if ratio > config.maxPreGapRatio, ratio.isFinite, gapEnd - gapStart >= Self.steadyGapFrames,
           let spreads = gapSpreads(from: gapStart, to: gapEnd) {
            if isSteadyNoise(spreads) {
                ratio = min(ratio, inBandRatio(gapFrom: gapStart, to: gapEnd))
            } else if ratio <= config.maxPreGapRatioBabble, spreads.levelDb <= config.babbleGapSpreadDb {
                // Babble a few dB under the tone: quiet enough in the tone's own bins.
                let inBand = inBandRatio(gapFrom: gapStart, to: gapEnd, steadyBandOnly: false)
                if inBand <= config.maxInBandGapRatio { ratio = inBand }
            }
        }
        burstPreGapRatio = ratio
        return .started(onsetFrame: onset, centroidHz: centroid, preGapRatio: ratio,
                        backgroundEndFrame: previousUnder ? lastBurstEnd : nil)
    }

    static func trimmedMean(_ values: [Double], from start: Int, to end: Int) -> Double {
        var sum = 0.0
        for i in start..<end { sum += values[i] }
        return sum / Double(max(end - start, 1))
    }

    /// Largest minus smallest of `values[start..<end]`, leaving out the one furthest from
    /// their mean when there are enough: a burst of noise under a ring tone moves one block's
    /// value; vibrato moves them all.
    static func steadySpread(_ values: [Double], from start: Int, to end: Int) -> Double {
        let mean = trimmedMean(values, from: start, to: end)
        var outlier = -1
        if end - start >= minBlocksForOutlier {
            var furthest = -1.0
            for i in start..<end where abs(values[i] - mean) > furthest {
                furthest = abs(values[i] - mean)
                outlier = i
            }
        }
        var lowest = Double.infinity, highest = -Double.infinity
        for i in start..<end where i != outlier {
            lowest = min(lowest, values[i])
            highest = max(highest, values[i])
        }
        return highest - lowest
    }

    mutating func endBurst() -> Change {
        let now = framesProcessed
        toneActive = false
        toneRun = 0
        offRun = 0
        let level = burstBandSum / Float(max(burstBandFrames, 1))
        let threshold = Self.edgeThreshold * level
        // End: the last frame of the run whose smoothed energy holds 40 % of the burst level.
        let first = max(burstOnset, burstLastToneFrame - Self.endSearchBackFrames)
        var end = first
        var misses = 0
        var f = first
        while f <= now - 3 {
            if smoothedBand(f, upTo: now) >= threshold {
                end = f
                misses = 0
            } else {
                misses += 1
                if misses >= Self.endMissFrames { break }
            }
            f += 1
        }
        end = max(end, burstOnset + 1)
        let logged = min(burstBlocks, Self.maxLoggedBlocks)
        let trim = logged >= 2 * Self.edgeBlocks + 2 ? Self.edgeBlocks : (logged >= 4 ? 1 : 0)
        let centroid = Self.trimmedMean(burstCentroids, from: trim, to: logged - trim)
        // Steady when either the power centroids or the peaks' mean hold their frequency; the
        // second chance only for a burst of a ring burst's length (a piece of a few blocks
        // holds either by chance).
        var spread = Self.steadySpread(burstCentroids, from: trim, to: logged - trim)
        if end - burstOnset >= FrameClock.frames(config.minBurstS) {
            spread = min(spread, Self.steadySpread(burstPeakMeans, from: trim, to: logged - trim))
        }
        let track = ToneTrack(
            startFrame: burstOnset, endFrame: end, centroidHz: centroid,
            spreadHz: spread,
            frequenciesHz: burstFrequencies ?? [centroid.rounded()],
            preGapRatio: burstPreGapRatio,
            underLouderTone: burstUnderLouderTone,
            runStartFrame: burstRunStart
        )
        lastBurstEnd = end
        lastBurstRunStart = burstRunStart
        lastBurstUnder = burstUnderLouderTone
        lastBurstCentroid = centroid
        let burstSums = energySums(from: burstOnset, to: end)
        lastBurstEnergy = burstSums.energy / Float(max(burstSums.samples, 1))
        return .ended(track)
    }
}
