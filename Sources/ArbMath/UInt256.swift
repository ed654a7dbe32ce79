/// An unsigned 256-bit integer, just large enough for the intermediate products the pool programs compute
/// with `U256` (Whirlpool `U256Muldiv`, Raydium `U256`). Four little-endian 64-bit limbs; value semantics.
///
/// Only the operations the venue math needs are provided: full-width products of two `UInt128`s, add/sub with
/// overflow reporting, shifts, comparison and exact division (by a `UInt128` fast path, or bit-serial long
/// division for wider divisors, whose cost is proportional to the quotient's bit length — small in practice,
/// since quotients are token amounts or sqrt prices).
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
    @inlinable public func quotientAndRemainder(dividingBy d: UInt128) -> (quotient: UInt256, remainder: UInt128) {
        precondition(d != 0, "UInt256 division by zero")
        let qh = high / d
        let rh = high % d
        // rh < d, so the two-word division below cannot overflow.
        let (ql, r) = d.dividingFullWidth((high: rh, low: low))
        return (UInt256(high: qh, low: ql), r)
    }

    /// Exact division by a non-zero 256-bit divisor.
    public func quotientAndRemainder(dividingBy d: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!d.isZero, "UInt256 division by zero")
        if d.high == 0 {
            let (q, r) = quotientAndRemainder(dividingBy: d.low)
            return (q, UInt256(r))
        }
        if self < d { return (.zero, self) }
        // Bit-serial long division; the quotient has at most 129 bits here (divisor >= 2^128).
        var remainder = self
        var quotient = UInt256.zero
        var shift = bitLength - d.bitLength
        while shift >= 0 {
            let shifted = d << shift
            if remainder >= shifted {
                remainder = remainder &- shifted
                quotient = quotient | (UInt256.one << shift)
            }
            shift -= 1
        }
        return (quotient, remainder)
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
