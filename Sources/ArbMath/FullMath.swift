/// Full-width multiply-then-divide on native integers: `a * b / d` computed with a double-width product so the
/// intermediate never overflows, rounded down or up. Nil when `d` is zero or the result does not fit.
public enum FullMath {
    @inlinable public static func mulDiv(_ a: UInt128, _ b: UInt128, _ d: UInt128, roundUp: Bool) -> UInt128? {
        if d == 0 { return nil }
        let p = a.multipliedFullWidth(by: b)
        // The quotient fits in 128 bits iff the high word is below the divisor.
        guard p.high < d else { return nil }
        let (q256, r) = UInt256(high: p.high, low: p.low).quotientAndRemainder(dividingBy: d)
        let q = q256.low
        if roundUp && r != 0 {
            return q == .max ? nil : q + 1
        }
        return q
    }

    @inlinable public static func mulDivFloor(_ a: UInt128, _ b: UInt128, _ d: UInt128) -> UInt128? {
        mulDiv(a, b, d, roundUp: false)
    }

    @inlinable public static func mulDivCeil(_ a: UInt128, _ b: UInt128, _ d: UInt128) -> UInt128? {
        mulDiv(a, b, d, roundUp: true)
    }

    @inlinable public static func mulDiv(_ a: UInt64, _ b: UInt64, _ d: UInt64, roundUp: Bool) -> UInt64? {
        if d == 0 { return nil }
        let p = a.multipliedFullWidth(by: b)
        guard p.high < d else { return nil }
        let (q, r) = d.dividingFullWidth(p)
        if roundUp && r != 0 {
            return q == .max ? nil : q + 1
        }
        return q
    }

    /// `n / d` rounded up when `roundUp` and there is a remainder; nil when `d` is zero.
    @inlinable public static func divRoundUpIf(_ n: UInt128, _ d: UInt128, roundUp: Bool) -> UInt128? {
        if d == 0 { return nil }
        let q = n / d
        return roundUp && n % d != 0 ? q + 1 : q
    }

    /// Floor division toward negative infinity (Rust's `floor_division` / `div_euclid` for positive divisors).
    @inlinable public static func floorDiv(_ a: Int32, _ b: Int32) -> Int32 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

extension UInt128 {
    /// The value as a `UInt64`, or nil when it does not fit.
    @inlinable public var uint64: UInt64? { self <= UInt128(UInt64.max) ? UInt64(self) : nil }
}
