/// Arithmetic in GF(2^255 − 19), radix 2^51 (five limbs), just enough to answer "is this 32-byte string the
/// compressed encoding of a point on the Ed25519 curve?" — the test that separates program-derived addresses
/// from public keys. Written from the curve's definition (RFC 8032 §5.1): −x² + y² = 1 + d·x²·y².
struct FieldElement25519 {
    var l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64, l4: UInt64

    static let mask: UInt64 = (1 << 51) - 1
    static let one = FieldElement25519(l0: 1, l1: 0, l2: 0, l3: 0, l4: 0)
    /// d = −121665/121666 mod p.
    static let d = FieldElement25519(
        l0: 929_955_233_495_203, l1: 466_365_720_129_213, l2: 1_662_059_464_998_953,
        l3: 2_033_849_074_728_123, l4: 1_442_794_654_840_575)

    /// Loads 32 little-endian bytes, ignoring bit 255 (the x sign bit), as curve25519-dalek's `from_bytes`;
    /// values ≥ p are accepted and reduce implicitly.
    init(bytes b: Bytes32) {
        let w3 = b.w3.littleEndian & 0x7FFF_FFFF_FFFF_FFFF
        let w0 = b.w0.littleEndian
        let w1 = b.w1.littleEndian
        let w2 = b.w2.littleEndian
        l0 = w0 & Self.mask
        l1 = (w0 >> 51 | w1 << 13) & Self.mask
        l2 = (w1 >> 38 | w2 << 26) & Self.mask
        l3 = (w2 >> 25 | w3 << 39) & Self.mask
        l4 = (w3 >> 12) & Self.mask
    }

    init(l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64, l4: UInt64) {
        self.l0 = l0
        self.l1 = l1
        self.l2 = l2
        self.l3 = l3
        self.l4 = l4
    }

    static func + (a: Self, b: Self) -> Self {
        Self(l0: a.l0 + b.l0, l1: a.l1 + b.l1, l2: a.l2 + b.l2, l3: a.l3 + b.l3, l4: a.l4 + b.l4).carried()
    }

    /// a − b computed as a + 2p − b (limbs of b must be < 2^52, true after any operation here).
    static func - (a: Self, b: Self) -> Self {
        Self(
            l0: a.l0 + 0xF_FFFF_FFFF_FFDA - b.l0, l1: a.l1 + 0xF_FFFF_FFFF_FFFE - b.l1,
            l2: a.l2 + 0xF_FFFF_FFFF_FFFE - b.l2, l3: a.l3 + 0xF_FFFF_FFFF_FFFE - b.l3,
            l4: a.l4 + 0xF_FFFF_FFFF_FFFE - b.l4
        ).carried()
    }

    static func * (a: Self, b: Self) -> Self {
        @inline(__always) func m(_ x: UInt64, _ y: UInt64) -> UInt128 { UInt128(x) * UInt128(y) }
        let b1 = b.l1 * 19
        let b2 = b.l2 * 19
        let b3 = b.l3 * 19
        let b4 = b.l4 * 19
        let r0 = m(a.l0, b.l0) + m(a.l1, b4) + m(a.l2, b3) + m(a.l3, b2) + m(a.l4, b1)
        var r1 = m(a.l0, b.l1) + m(a.l1, b.l0) + m(a.l2, b4) + m(a.l3, b3) + m(a.l4, b2)
        var r2 = m(a.l0, b.l2) + m(a.l1, b.l1) + m(a.l2, b.l0) + m(a.l3, b4) + m(a.l4, b3)
        var r3 = m(a.l0, b.l3) + m(a.l1, b.l2) + m(a.l2, b.l1) + m(a.l3, b.l0) + m(a.l4, b4)
        var r4 = m(a.l0, b.l4) + m(a.l1, b.l3) + m(a.l2, b.l2) + m(a.l3, b.l1) + m(a.l4, b.l0)
        let mask = UInt128(Self.mask)
        r1 += r0 >> 51
        r2 += r1 >> 51
        r3 += r2 >> 51
        r4 += r3 >> 51
        var c0 = UInt64(r0 & mask) + UInt64(r4 >> 51) * 19
        let c1 = UInt64(r1 & mask) + (c0 >> 51)
        c0 &= Self.mask
        return Self(l0: c0, l1: c1, l2: UInt64(r2 & mask), l3: UInt64(r3 & mask), l4: UInt64(r4 & mask))
    }

    func squared() -> Self { self * self }

    /// One carry pass: limbs back under 2^52.
    func carried() -> Self {
        var r = self
        r.l1 += r.l0 >> 51
        r.l0 &= Self.mask
        r.l2 += r.l1 >> 51
        r.l1 &= Self.mask
        r.l3 += r.l2 >> 51
        r.l2 &= Self.mask
        r.l4 += r.l3 >> 51
        r.l3 &= Self.mask
        r.l0 += (r.l4 >> 51) * 19
        r.l4 &= Self.mask
        return r
    }

    /// The unique representative in [0, p).
    func canonical() -> Self {
        var r = carried().carried()
        // q = 1 iff r ≥ p, computed by propagating the carry of r + 19.
        var q = (r.l0 + 19) >> 51
        q = (r.l1 + q) >> 51
        q = (r.l2 + q) >> 51
        q = (r.l3 + q) >> 51
        q = (r.l4 + q) >> 51
        r.l0 += 19 * q
        r.l1 += r.l0 >> 51
        r.l0 &= Self.mask
        r.l2 += r.l1 >> 51
        r.l1 &= Self.mask
        r.l3 += r.l2 >> 51
        r.l2 &= Self.mask
        r.l4 += r.l3 >> 51
        r.l3 &= Self.mask
        r.l4 &= Self.mask
        return r
    }

    var isZero: Bool {
        let c = canonical()
        return c.l0 | c.l1 | c.l2 | c.l3 | c.l4 == 0
    }

    var isOne: Bool {
        let c = canonical()
        return c.l0 == 1 && c.l1 | c.l2 | c.l3 | c.l4 == 0
    }

    /// self^e for a 256-bit exponent given as little-endian words (square-and-multiply, MSB first).
    func power(_ e: [UInt64]) -> Self {
        var result = Self.one
        for word in e.reversed() {
            for bit in (0..<64).reversed() {
                result = result.squared()
                if (word >> UInt64(bit)) & 1 == 1 { result = result * self }
            }
        }
        return result
    }

    /// (p − 1) / 2 = 2^254 − 10, little-endian words.
    static let eulerExponent: [UInt64] = [0xFFFF_FFFF_FFFF_FFF6, .max, .max, 0x3FFF_FFFF_FFFF_FFFF]
}

extension Bytes32 {
    /// Whether these bytes decompress to a point on the Ed25519 curve, with the same answer as
    /// curve25519-dalek's `CompressedEdwardsY::decompress().is_some()` (which Solana's `is_on_curve` uses):
    /// with y taken mod p, x² = (y² − 1) / (d·y² + 1) must have a square root. d·y² + 1 is never 0 (−1/d is
    /// not a square), so by Euler's criterion this holds iff u·v is zero or a quadratic residue.
    public var isOnEd25519Curve: Bool {
        let y = FieldElement25519(bytes: self)
        let yy = y.squared()
        let u = yy - .one
        let v = FieldElement25519.d * yy + .one
        let chi = (u * v).power(FieldElement25519.eulerExponent)
        return chi.isZero || chi.isOne
    }
}
