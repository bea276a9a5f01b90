/// A fast 64-bit fingerprint of a byte stream, the same whatever the stream is cut into.
/// Four independent lanes absorb 8 bytes each per 32-byte block (multiply, xor-shift), so
/// the multiplies do not wait for each other; at several GB/s it costs a fraction of the
/// decoding. Not cryptographic: it tells recordings apart, it does not guard against forgery.
struct ContentHasher {
    /// Odd 64-bit multipliers with well-spread bits (from the golden ratio and the
    /// xxHash/wyhash families).
    private static let multiplier0: UInt64 = 0x9E37_79B9_7F4A_7C15
    private static let multiplier1: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let multiplier2: UInt64 = 0x1656_67B1_9E37_79F9
    private static let multiplier3: UInt64 = 0xFF51_AFD7_ED55_8CCD

    private var lane0: UInt64 = 0x243F_6A88_85A3_08D3
    private var lane1: UInt64 = 0x1319_8A2E_0370_7344
    private var lane2: UInt64 = 0xA409_3822_299F_31D0
    private var lane3: UInt64 = 0x082E_FA98_EC4E_6C89
    /// Bytes of an incomplete 32-byte block, carried to the next call.
    private var carry: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var carryCount = 0
    private var totalBytes: UInt64 = 0

    @inline(__always)
    private static func mix(_ lane: UInt64, _ word: UInt64, _ multiplier: UInt64) -> UInt64 {
        let product = (lane ^ word) &* multiplier
        return product ^ (product >> 29)
    }

    @inline(__always)
    private mutating func absorbBlock(_ block: UnsafeRawPointer) {
        lane0 = Self.mix(lane0, block.loadUnaligned(fromByteOffset: 0, as: UInt64.self), Self.multiplier0)
        lane1 = Self.mix(lane1, block.loadUnaligned(fromByteOffset: 8, as: UInt64.self), Self.multiplier1)
        lane2 = Self.mix(lane2, block.loadUnaligned(fromByteOffset: 16, as: UInt64.self), Self.multiplier2)
        lane3 = Self.mix(lane3, block.loadUnaligned(fromByteOffset: 24, as: UInt64.self), Self.multiplier3)
    }

    mutating func absorb(_ bytes: UnsafeRawPointer, count: Int) {
        totalBytes &+= UInt64(count)
        var pointer = bytes
        var remaining = count
        if carryCount > 0 {
            let taken = min(32 - carryCount, remaining)
            withUnsafeMutableBytes(of: &carry) { carryBytes in
                (carryBytes.baseAddress! + carryCount).copyMemory(from: pointer, byteCount: taken)
            }
            carryCount += taken
            pointer += taken
            remaining -= taken
            if carryCount < 32 { return }
            let block = carry
            withUnsafeBytes(of: block) { absorbBlock($0.baseAddress!) }
            carryCount = 0
        }
        while remaining >= 32 {
            absorbBlock(pointer)
            pointer += 32
            remaining -= 32
        }
        if remaining > 0 {
            carry = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &carry) { carryBytes in
                carryBytes.baseAddress!.copyMemory(from: pointer, byteCount: remaining)
            }
            carryCount = remaining
        }
    }

    /// The hash of everything absorbed so far (does not change the state).
    var value: UInt64 {
        var copy = self
        if copy.carryCount > 0 {
            // Zero the unused tail of the carry so stale bytes never count.
            let used = copy.carryCount
            withUnsafeMutableBytes(of: &copy.carry) { carryBytes in
                for index in used..<32 { carryBytes[index] = 0 }
            }
            let block = copy.carry
            withUnsafeBytes(of: block) { copy.absorbBlock($0.baseAddress!) }
        }
        var result = copy.totalBytes &* Self.multiplier0
        result = Self.mix(result, copy.lane0, Self.multiplier1)
        result = Self.mix(result, copy.lane1, Self.multiplier2)
        result = Self.mix(result, copy.lane2, Self.multiplier3)
        result = Self.mix(result, copy.lane3, Self.multiplier0)
        return Self.mix(result, result >> 32, Self.multiplier1)
    }
}
