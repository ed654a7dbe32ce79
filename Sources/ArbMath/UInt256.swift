/// An unsigned 256-bit integer, just large enough for the intermediate products the pool programs compute
/// with `U256` (Whirlpool `U256Muldiv`, Raydium `U256`). Four little-endian 64-bit limbs; value semantics.
///
/// Only the operations the venue math needs are provided: full-width products of two `UInt128`s, add/sub with
/// overflow reporting, shifts, comparison and exact division (Knuth's algorithm D on 64-bit limbs for 128-bit
/// divisors; estimate-and-correct from the divisor's top 128 bits for wider ones).
public struct UInt256: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var low: UInt128
    public var high: UInt128

    @inlinable public init(high: UInt128, low: UInt128) {
        self.high = high
        self.low = low
    }

    @inlinable public init(_ value: UInt128) {
        self.high = 0
        self.low = value
    }

    @inlinable public init(_ value: UInt64) {
        self.high = 0
        self.low = UInt128(value)
    }

    public static let zero = UInt256(high: 0, low: 0)
    public static let one = UInt256(high: 0, low: 1)
    public static let max = UInt256(high: .max, low: .max)

    @inlinable public var isZero: Bool { high == 0 && low == 0 }

    /// The value as a `UInt128`, or nil when it does not fit.
    @inlinable public var uint128: UInt128? { high == 0 ? low : nil }

    /// Full 256-bit product of two 128-bit values (never overflows).
    @inlinable public static func product(_ a: UInt128, _ b: UInt128) -> UInt256 {
        let r = a.multipliedFullWidth(by: b)
        return UInt256(high: r.high, low: r.low)
    }

    @inlinable public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }

    @inlinable public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (lo, c) = low.addingReportingOverflow(other.low)
        let (hi1, o1) = high.addingReportingOverflow(other.high)
        let (hi2, o2) = hi1.addingReportingOverflow(c ? 1 : 0)
        return (UInt256(high: hi2, low: lo), o1 || o2)
    }

    @inlinable public func subtractingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (lo, b) = low.subtractingReportingOverflow(other.low)
        let (hi1, o1) = high.subtractingReportingOverflow(other.high)
        let (hi2, o2) = hi1.subtractingReportingOverflow(b ? 1 : 0)
        return (UInt256(high: hi2, low: lo), o1 || o2)
    }

    /// Wrapping addition (as Whirlpool's `U256Muldiv::add`, which callers use only where it cannot overflow).
    @inlinable public static func &+ (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.addingReportingOverflow(rhs).partialValue
    }
    /// Wrapping subtraction.
    @inlinable public static func &- (lhs: UInt256, rhs: UInt256) -> UInt256 {
        lhs.subtractingReportingOverflow(rhs).partialValue
    }

    /// Logical shift left; bits shifted past 256 are lost. `n` >= 256 gives zero.
    @inlinable public static func << (lhs: UInt256, n: Int) -> UInt256 {
        if n <= 0 { return lhs }
        if n >= 256 { return .zero }
        if n >= 128 { return UInt256(high: lhs.low << UInt128(n - 128), low: 0) }
        return UInt256(high: (lhs.high << UInt128(n)) | (lhs.low >> UInt128(128 - n)), low: lhs.low << UInt128(n))
    }

    /// Logical shift right. `n` >= 256 gives zero.
    @inlinable public static func >> (lhs: UInt256, n: Int) -> UInt256 {
        if n <= 0 { return lhs }
        if n >= 256 { return .zero }
        if n >= 128 { return UInt256(high: 0, low: lhs.high >> UInt128(n - 128)) }
        return UInt256(high: lhs.high >> UInt128(n), low: (lhs.low >> UInt128(n)) | (lhs.high << UInt128(128 - n)))
    }

    /// Number of significant bits (0 for zero).
    @inlinable public var bitLength: Int {
        high != 0 ? 256 - high.leadingZeroBitCount : 128 - low.leadingZeroBitCount
    }

    /// Product with a 128-bit value, or nil when it exceeds 256 bits.
    @inlinable public func multipliedReportingOverflow(by m: UInt128) -> (partialValue: UInt256, overflow: Bool) {
        let lo = low.multipliedFullWidth(by: m)
        let hi = high.multipliedFullWidth(by: m)
        let (h, o) = hi.low.addingReportingOverflow(lo.high)
        return (UInt256(high: h, low: lo.low), o || hi.high != 0)
    }

    /// Exact division by a non-zero 128-bit divisor: 256-bit quotient and 128-bit remainder.
    /// Avoids `UInt128.dividingFullWidth` (a slow generic routine): native 128-bit division when the dividend
    /// fits, hardware 128/64 steps for a one-limb divisor, and Knuth's algorithm D (base 2^64) otherwise.
    @inlinable public func quotientAndRemainder(dividingBy d: UInt128) -> (quotient: UInt256, remainder: UInt128) {
        precondition(d != 0, "UInt256 division by zero")
        if high == 0 { return (UInt256(low / d), low % d) }
        let n0 = UInt64(truncatingIfNeeded: low)
        let n1 = UInt64(truncatingIfNeeded: low >> 64)
        let n2 = UInt64(truncatingIfNeeded: high)
        let n3 = UInt64(truncatingIfNeeded: high >> 64)
        if d >> 64 == 0 {
            let dv = UInt64(d)
            let (q3, r3) = dv.dividingFullWidth((high: 0, low: n3))
            let (q2, r2) = dv.dividingFullWidth((high: r3, low: n2))
            let (q1, r1) = dv.dividingFullWidth((high: r2, low: n1))
            let (q0, r0) = dv.dividingFullWidth((high: r1, low: n0))
            return (UInt256(high: UInt128(q3) << 64 | UInt128(q2), low: UInt128(q1) << 64 | UInt128(q0)), UInt128(r0))
        }
        // Knuth D: normalise so the divisor's top bit is set; the quotient has at most three limbs.
        let s = d.leadingZeroBitCount
        let dn = d << UInt128(s)
        let d1 = UInt64(truncatingIfNeeded: dn >> 64)
        let d0 = UInt64(truncatingIfNeeded: dn)
        var u0: UInt64
        var u1: UInt64
        var u2: UInt64
        var u3: UInt64
        var u4: UInt64
        if s == 0 {
            (u4, u3, u2, u1, u0) = (0, n3, n2, n1, n0)
        } else {
            let ls = UInt64(s)
            let rs = UInt64(64 - s)
            u4 = n3 >> rs
            u3 = (n3 << ls) | (n2 >> rs)
            u2 = (n2 << ls) | (n1 >> rs)
            u1 = (n1 << ls) | (n0 >> rs)
            u0 = n0 << ls
        }
        let q2 = Self.knuthStep(&u4, &u3, &u2, d1, d0)
        let q1 = Self.knuthStep(&u3, &u2, &u1, d1, d0)
        let q0 = Self.knuthStep(&u2, &u1, &u0, d1, d0)
        let remNorm = UInt128(u1) << 64 | UInt128(u0)
        return (UInt256(high: UInt128(q2), low: UInt128(q1) << 64 | UInt128(q0)), remNorm >> UInt128(s))
    }

    /// One quotient digit of algorithm D for a two-limb normalised divisor (d1 has its top bit set): divides the
    /// window (w2, w1, w0) < divisor × 2^64, leaving the remainder in (w1, w0) and w2 == 0.
    @inlinable @inline(__always)
    static func knuthStep(_ w2: inout UInt64, _ w1: inout UInt64, _ w0: inout UInt64, _ d1: UInt64, _ d0: UInt64)
        -> UInt64
    {
        // Estimate from the top two limbs (hardware 128/64 division; w2 <= d1 by the algorithm's invariant).
        var qhat: UInt128
        var rhat: UInt128
        if w2 >= d1 {
            qhat = UInt128(UInt64.max)
            rhat = UInt128(w1) + UInt128(d1)
        } else {
            let (q, r) = d1.dividingFullWidth((high: w2, low: w1))
            qhat = UInt128(q)
            rhat = UInt128(r)
        }
        while rhat <= UInt128(UInt64.max) && qhat * UInt128(d0) > (rhat << 64 | UInt128(w0)) {
            qhat -= 1
            rhat += UInt128(d1)
        }
        // Multiply and subtract qhat × (d1, d0) from the window.
        let p0 = qhat * UInt128(d0)
        let (t0, b0) = w0.subtractingReportingOverflow(UInt64(truncatingIfNeeded: p0))
        let p1 = qhat * UInt128(d1) + (p0 >> 64)
        let (t1a, b1a) = w1.subtractingReportingOverflow(UInt64(truncatingIfNeeded: p1))
        let (t1, b1b) = t1a.subtractingReportingOverflow(b0 ? 1 : 0)
        let (t2a, b2a) = w2.subtractingReportingOverflow(UInt64(truncatingIfNeeded: p1 >> 64))
        let (t2, b2b) = t2a.subtractingReportingOverflow((b1a || b1b) ? 1 : 0)
        w0 = t0
        w1 = t1
        w2 = t2
        if b2a || b2b {
            // The estimate was one too large: add the divisor back.
            qhat -= 1
            let (s0, c0) = w0.addingReportingOverflow(d0)
            let (s1a, c1a) = w1.addingReportingOverflow(d1)
            let (s1, c1b) = s1a.addingReportingOverflow(c0 ? 1 : 0)
            w0 = s0
            w1 = s1
            w2 = w2 &+ ((c1a || c1b) ? 1 : 0)
        }
        return UInt64(truncatingIfNeeded: qhat)
    }

    /// Exact division by a non-zero 256-bit divisor.
    public func quotientAndRemainder(dividingBy d: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!d.isZero, "UInt256 division by zero")
        if d.high == 0 {
            let (q, r) = quotientAndRemainder(dividingBy: d.low)
            return (q, UInt256(r))
        }
        if self < d { return (.zero, self) }
        // d >= 2^128, so the quotient is below 2^128. Estimate it from the top 128 bits of the divisor, rounded
        // up (an underestimate by at most 3, since those bits are >= 2^127), then correct.
        let shift = d.bitLength - 128
        let dTop = (d >> shift).low
        var q: UInt128
        if dTop == .max {
            q = (self >> (shift + 128)).low
        } else {
            q = (self >> shift).quotientAndRemainder(dividingBy: dTop + 1).quotient.low
        }
        let (product, overflow) = d.multipliedReportingOverflow(by: q)
        precondition(!overflow && product <= self, "UInt256 division estimate too large")
        var remainder = self &- product
        while remainder >= d {
            remainder = remainder &- d
            q += 1
        }
        return (UInt256(q), remainder)
    }

    @inlinable public static func | (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(high: lhs.high | rhs.high, low: lhs.low | rhs.low)
    }

    @inlinable public static func & (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(high: lhs.high & rhs.high, low: lhs.low & rhs.low)
    }

    public var description: String {
        if high == 0 { return low.description }
        // Repeated division by 10^19 (fits in a UInt64 limb).
        var digits: [String] = []
        var v = self
        let chunk: UInt128 = 10_000_000_000_000_000_000
        while !v.isZero {
            let (q, r) = v.quotientAndRemainder(dividingBy: chunk)
            digits.append(r.description)
            v = q
        }
        var out = digits.removeLast()
        for d in digits.reversed() { out += String(repeating: "0", count: 19 - d.count) + d }
        return out
    }
}

/// A 512-bit product (`UInt256 × UInt256`) and its division by a `UInt256`: the `mul_div` of Raydium's U256,
/// which computes in U512 so the product never overflows.
public enum WideMath {
    /// floor or ceil of `a * b / d`; nil when `d` is zero or the result exceeds 256 bits.
    public static func mulDiv(_ a: UInt256, _ b: UInt256, _ d: UInt256, roundUp: Bool) -> UInt256? {
        if d.isZero { return nil }
        if a.high == 0 && b.high == 0 {
            let n = UInt256.product(a.low, b.low)
            let (q, r) = n.quotientAndRemainder(dividingBy: d)
            if roundUp && !r.isZero {
                let (q1, o) = q.addingReportingOverflow(.one)
                return o ? nil : q1
            }
            return q
        }
        // 512-bit product as eight 64-bit limbs (little-endian).
        let x = limbs(a)
        let y = limbs(b)
        var p = [UInt64](repeating: 0, count: 8)
        for i in 0..<4 {
            var carry: UInt64 = 0
            for j in 0..<4 {
                let (hi, lo) = x[i].multipliedFullWidth(by: y[j])
                let (s1, c1) = p[i + j].addingReportingOverflow(lo)
                let (s2, c2) = s1.addingReportingOverflow(carry)
                p[i + j] = s2
                carry = hi &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
            }
            p[i + 4] = carry
        }
        // Fast path: the product fits in 256 bits.
        if p[4] == 0 && p[5] == 0 && p[6] == 0 && p[7] == 0 {
            let n = UInt256(high: UInt128(p[3]) << 64 | UInt128(p[2]), low: UInt128(p[1]) << 64 | UInt128(p[0]))
            let (q, r) = n.quotientAndRemainder(dividingBy: d)
            if roundUp && !r.isZero {
                let (q1, o) = q.addingReportingOverflow(.one)
                return o ? nil : q1
            }
            return q
        }
        // Bit-serial long division of the 512-bit product; the remainder stays below d (< 2^256), with a
        // carry bit for the moment it is shifted past 256 bits.
        var remainder = UInt256.zero
        var quotient = UInt256.zero
        var topBit = 511
        while topBit >= 0 && (p[topBit / 64] >> UInt64(topBit % 64)) & 1 == 0 { topBit -= 1 }
        var bit = topBit
        while bit >= 0 {
            let carry = remainder.high >> 127 == 1
            remainder = remainder << 1
            if (p[bit / 64] >> UInt64(bit % 64)) & 1 == 1 { remainder.low |= 1 }
            if carry || remainder >= d {
                remainder = remainder &- d
                if bit >= 256 { return nil }  // quotient exceeds 256 bits
                quotient = quotient | (UInt256.one << bit)
            }
            bit -= 1
        }
        if roundUp && !remainder.isZero {
            let (q1, o) = quotient.addingReportingOverflow(.one)
            return o ? nil : q1
        }
        return quotient
    }

    @inline(__always) static func limbs(_ v: UInt256) -> [UInt64] {
        [
            UInt64(truncatingIfNeeded: v.low), UInt64(truncatingIfNeeded: v.low >> 64),
            UInt64(truncatingIfNeeded: v.high), UInt64(truncatingIfNeeded: v.high >> 64),
        ]
    }
}
