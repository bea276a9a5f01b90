/// Everything that can go wrong reading or writing a WAV file. Each description is one
/// full sentence that starts with the file's path and says what to do (STYLE.md "Errors");
/// the CLI prints it after `callpulse: error: ` and exits with status 3 (bad input).
public enum WAVError: Error, Equatable, CustomStringConvertible {
    /// The file cannot be opened for reading (`reason` is the system's, e.g. "No such file or directory").
    case cannotOpen(path: String, reason: String)
    /// The file has no bytes at all.
    case emptyFile(path: String)
    /// The file does not start with a RIFF (or RF64) header of form WAVE.
    case notWAVE(path: String)
    /// The file ends inside the RIFF header or inside the fmt chunk.
    case truncatedHeader(path: String)
    /// The file ends before the data chunk's declared size (a copy cut short, a recorder
    /// killed after writing its header): seconds declared, seconds there.
    case truncatedData(path: String, declaredS: Double, presentS: Double, missingBytes: Int)
    /// The fmt chunk is too short for its format (16 bytes, 40 for WAVE_FORMAT_EXTENSIBLE).
    case malformedFormatChunk(path: String, sizeBytes: Int)
    /// No fmt chunk before the data chunk (or none at all).
    case missingFormatChunk(path: String)
    /// The file ends without a data chunk.
    case missingDataChunk(path: String)
    /// The header declares zero channels.
    case noChannels(path: String)
    /// More channels than mono or stereo.
    case tooManyChannels(path: String, channelCount: Int)
    /// Sample rate outside 8000-48000 Hz.
    case sampleRateOutOfRange(path: String, sampleRateHz: Int)
    /// An encoding or bit depth the reader does not decode (ADPCM, MP3, 12-bit PCM, …).
    case unsupportedEncoding(path: String, formatTag: Int, bitsPerSample: Int)
    /// The block align field disagrees with channels × bytes per sample.
    case inconsistentBlockAlign(path: String, blockAlignBytes: Int, expectedBytes: Int)
    /// A float sample is NaN, infinite, or absurdly large (beyond 1000 × full scale).
    case nonFiniteSample(path: String, atS: Double, channel: Int)
    /// The system refused a read after the file was opened.
    case readFailed(path: String, reason: String)
    /// The output file cannot be created.
    case cannotCreate(path: String, reason: String)
    /// The system refused a write (disk full, …).
    case writeFailed(path: String, reason: String)
    /// The writer was asked for a format it does not write.
    case unsupportedOutputFormat(path: String, format: WAVFormat)
    /// The file has a valid header but not one audio sample.
    case noAudio(path: String)
    /// The channel count does not fit the requested layout (`--layout`, two-file mode).
    case layoutMismatch(path: String, channels: Int, layout: String)
    /// Two files of one call have different sample rates.
    case rateMismatch(path: String, sampleRateHz: Int, otherPath: String, otherSampleRateHz: Int)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "\(path): cannot open the file (\(reason)); check the path and its permissions."
        case let .emptyFile(path):
            return "\(path): the file is empty (0 bytes), so it holds no audio."
        case let .notWAVE(path):
            return "\(path): not a WAV file (no RIFF/WAVE header); convert it with `sox \(shellQuoted(path)) -b 16 out.wav`."
        case let .truncatedHeader(path):
            return "\(path): the file ends inside its WAV header, so it is truncated; re-export the recording."
        case let .truncatedData(path, declaredS, presentS, missingBytes):
            return "\(path): the file ends after \(formatSeconds(presentS)) s of audio where its header declares \(formatSeconds(declaredS)) s (\(missingBytes) bytes missing), so it is truncated; to analyse what is there, rewrite the header with `sox \(shellQuoted(path)) repaired.wav`."
        case let .malformedFormatChunk(path, sizeBytes):
            return "\(path): its fmt chunk is only \(sizeBytes) bytes long, too short to describe the audio; the header is damaged."
        case let .missingFormatChunk(path):
            return "\(path): no fmt chunk before the audio data, so the format is unknown; the header is damaged."
        case let .missingDataChunk(path):
            return "\(path): no data chunk was found, so the file holds no audio (it may be truncated)."
        case let .noChannels(path):
            return "\(path): the header declares 0 channels; the header is damaged."
        case let .tooManyChannels(path, channelCount):
            return "\(path): \(channelCount) channels are not supported (only mono and stereo); keep two with `sox \(shellQuoted(path)) out.wav remix 1 2`."
        case let .sampleRateOutOfRange(path, sampleRateHz):
            let range = WAVFormat.supportedSampleRatesHz
            let target = sampleRateHz > range.upperBound ? range.upperBound : range.lowerBound
            return "\(path): a sample rate of \(sampleRateHz) Hz is outside the supported \(range.lowerBound)-\(range.upperBound) Hz; resample it with `sox \(shellQuoted(path)) -r \(target) out.wav`."
        case let .unsupportedEncoding(path, formatTag, bitsPerSample):
            return "\(path): \(Self.encodingName(formatTag: formatTag, bitsPerSample: bitsPerSample)) is not supported; convert it with `sox \(shellQuoted(path)) -e signed-integer -b 16 out.wav`."
        case let .inconsistentBlockAlign(path, blockAlignBytes, expectedBytes):
            return "\(path): the header declares \(blockAlignBytes) bytes per frame where its format needs \(expectedBytes); the header is damaged."
        case let .nonFiniteSample(path, atS, channel):
            return "\(path): the float sample at \(formatSeconds(atS)) s on channel \(channel + 1) is not a usable number (NaN, infinite, or beyond 1000 times full scale); the recording is damaged."
        case let .readFailed(path, reason):
            return "\(path): reading the file failed (\(reason)); check the disk or copy the file again."
        case let .cannotCreate(path, reason):
            return "\(path): cannot create the file (\(reason)); check the folder exists and is writable."
        case let .writeFailed(path, reason):
            return "\(path): writing the file failed (\(reason)); check the free disk space."
        case let .noAudio(path):
            return "\(path): the file holds no audio samples (its data chunk is empty); nothing to analyse."
        case let .layoutMismatch(path, channels, layout):
            let what = channels == 1 ? "1 channel" : "\(channels) channels"
            return "\(path): has \(what), which does not fit layout \(layout); use --layout \(channels == 1 ? "agent or mixed" : "agent,customer or customer,agent")."
        case let .rateMismatch(path, sampleRateHz, otherPath, otherSampleRateHz):
            return "\(path): its sample rate (\(sampleRateHz) Hz) differs from \(otherPath) (\(otherSampleRateHz) Hz); resample one with `sox \(shellQuoted(path)) -r \(otherSampleRateHz) out.wav`."
        case let .unsupportedOutputFormat(path, format):
            return "\(path): cannot write \(format.encoding.rawValue) audio with \(format.channelCount) channels at \(format.sampleRateHz) Hz (only pcm16 or float32, 1 channel or more, a positive rate)."
        }
    }

    /// A human name for a WAV format tag and bit depth, e.g. "12-bit PCM", "IMA ADPCM".
    static func encodingName(formatTag: Int, bitsPerSample: Int) -> String {
        switch formatTag {
        case 0x0001: return "\(bitsPerSample)-bit PCM"
        case 0x0003: return "\(bitsPerSample)-bit float"
        case 0x0006: return "\(bitsPerSample)-bit A-law"
        case 0x0007: return "\(bitsPerSample)-bit mu-law"
        case 0x0002: return "Microsoft ADPCM"
        case 0x0011: return "IMA ADPCM"
        case 0x0014, 0x0040: return "G.723/G.721 ADPCM"
        case 0x0031: return "GSM 6.10"
        case 0x0050: return "MPEG audio"
        case 0x0055: return "MP3 audio"
        case 0x0064: return "G.726 ADPCM"
        default: return "audio encoding 0x\(hex4(formatTag))"
        }
    }
}

/// `value` as 4 upper-case hex digits (format tags are 16-bit).
func hex4(_ value: Int) -> String {
    let digits = String(UInt16(truncatingIfNeeded: value), radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

/// Seconds with 2 decimals ("12.34"), without Foundation's formatter.
func formatSeconds(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0, seconds < 1e15 else { return "\(seconds)" }
    let hundredths = Int(saturating: (seconds * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

/// A path as a POSIX shell word, so that the suggested sox command can be pasted as is.
func shellQuoted(_ path: String) -> String {
    let safe = path.unicodeScalars.allSatisfy { scalar in
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "/", ".", "_", "-", "+", ",", ":", "@", "%": true
        default: false
        }
    }
    if safe && !path.isEmpty { return path }
    return "'" + path.map { $0 == "'" ? "'\\''" : String($0) }.joined() + "'"
}
