/// Tight per-encoding loops from file bytes to Float samples at full scale 1.0. One
/// `switch` per call, then a loop with nothing but loads, a conversion and a multiply, so
/// that the compiler can vectorise it (STYLE.md "Inner loops").
enum SampleDecoding {
    /// Decodes `sampleCount` samples from `source` into `destination`. Returns the index of
    /// the first sample that is not a finite Float (float encodings only), or nil.
    static func decode(
        _ encoding: SampleEncoding,
        from source: UnsafeRawPointer,
        sampleCount: Int,
        into destination: UnsafeMutablePointer<Float>
    ) -> Int? {
        switch encoding {
        case .pcm8:
            // Unsigned: 128 is zero, 0 is -1.0.
            let scale: Float = 1.0 / 128.0
            for index in 0..<sampleCount {
                let byte = source.load(fromByteOffset: index, as: UInt8.self)
                destination[index] = Float(Int32(byte) - 128) * scale
            }
        case .pcm16:
            let scale: Float = 1.0 / 32_768.0
            for index in 0..<sampleCount {
                let sample = Int16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * index, as: Int16.self))
                destination[index] = Float(sample) * scale
            }
        case .pcm24:
            let scale: Float = 1.0 / 8_388_608.0
            for index in 0..<sampleCount {
                let offset = 3 * index
                let low = UInt32(source.load(fromByteOffset: offset, as: UInt8.self))
                let middle = UInt32(source.load(fromByteOffset: offset + 1, as: UInt8.self))
                let high = UInt32(source.load(fromByteOffset: offset + 2, as: UInt8.self))
                // Assemble in the top 24 bits, then shift back arithmetically to sign-extend.
                let word = Int32(bitPattern: (low << 8) | (middle << 16) | (high << 24)) >> 8
                destination[index] = Float(word) * scale
            }
        case .pcm32:
            let scale: Float = 1.0 / 2_147_483_648.0
            for index in 0..<sampleCount {
                let sample = Int32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * index, as: Int32.self))
                destination[index] = Float(sample) * scale
            }
        case .float32:
            // The largest exponent seen tells, without a branch per sample, whether any
            // sample may be NaN, infinite or beyond `largestFloatMagnitude`; only then scan.
            var largestExponent: UInt32 = 0
            for index in 0..<sampleCount {
                let bits = UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))
                largestExponent = max(largestExponent, bits & 0x7F80_0000)
                destination[index] = Float(bitPattern: bits)
            }
            if largestExponent >= scanExponent {
                return firstNonFinite(destination, count: sampleCount)
            }
        case .float64:
            var largestExponent: UInt32 = 0
            for index in 0..<sampleCount {
                let bits = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self))
                // Doubles too large for Float convert to infinity, and are caught with the rest.
                let sample = Float(Double(bitPattern: bits))
                largestExponent = max(largestExponent, sample.bitPattern & 0x7F80_0000)
                destination[index] = sample
            }
            if largestExponent >= scanExponent {
                return firstNonFinite(destination, count: sampleCount)
            }
        case .mulaw:
            G711.muLawTable.withUnsafeBufferPointer { table in
                for index in 0..<sampleCount {
                    destination[index] = table[Int(source.load(fromByteOffset: index, as: UInt8.self))]
                }
            }
        case .alaw:
            G711.aLawTable.withUnsafeBufferPointer { table in
                for index in 0..<sampleCount {
                    destination[index] = table[Int(source.load(fromByteOffset: index, as: UInt8.self))]
                }
            }
        }
        return nil
    }

    /// Largest float sample magnitude accepted: 1000 × full scale (+60 dBFS). Float files
    /// may carry headroom above 1.0, but nothing real comes near this, and far larger
    /// values would overflow the analysis's frame energies.
    static let largestFloatMagnitude: Float = 1000

    /// Exponent bits from which a float sample may exceed `largestFloatMagnitude` (those of
    /// 512, the power of two below 1000).
    static let scanExponent: UInt32 = Float(512).bitPattern & 0x7F80_0000

    /// Index of the first sample that is NaN, infinite, or beyond `largestFloatMagnitude`.
    private static func firstNonFinite(_ samples: UnsafeMutablePointer<Float>, count: Int) -> Int? {
        let limit = largestFloatMagnitude
        // `!(|x| <= limit)` is also true for NaN.
        for index in 0..<count where !(abs(samples[index]) <= limit) { return index }
        return nil
    }
}

/// ITU-T G.711 expansion tables, built once from the Recommendation's segment formulas
/// (as in the ITU reference and Sun's g711.c). Values are the 16-bit linear sample over
/// 32768, so mu-law peaks at ±32124/32768 (= 8031/8192 in 14-bit units) and A-law at
/// ±32256/32768 (= 4032/4096 in 13-bit units).
enum G711 {
    static let muLawTable: [Float] = (0..<256).map { Float(muLawToLinear16(UInt8($0))) / 32_768 }
    static let aLawTable: [Float] = (0..<256).map { Float(aLawToLinear16(UInt8($0))) / 32_768 }

    /// G.711 mu-law code word to a 16-bit linear sample (ITU-T G.711 Table 2, bias 0x84).
    static func muLawToLinear16(_ code: UInt8) -> Int16 {
        let inverted = ~code
        let mantissa = Int32(inverted & 0x0F)
        let segment = Int32((inverted & 0x70) >> 4)
        let magnitude = ((mantissa << 3) + 0x84) << segment
        return Int16(inverted & 0x80 != 0 ? 0x84 - magnitude : magnitude - 0x84)
    }

    /// G.711 A-law code word to a 16-bit linear sample (ITU-T G.711 Table 1, even bits
    /// inverted with 0x55).
    static func aLawToLinear16(_ code: UInt8) -> Int16 {
        let toggled = code ^ 0x55
        let mantissa = Int32(toggled & 0x0F)
        let segment = Int32((toggled & 0x70) >> 4)
        var magnitude = mantissa << 4
        switch segment {
        case 0: magnitude += 8
        case 1: magnitude += 0x108
        default: magnitude = (magnitude + 0x108) << (segment - 1)
        }
        return Int16(toggled & 0x80 != 0 ? magnitude : -magnitude)
    }
}
