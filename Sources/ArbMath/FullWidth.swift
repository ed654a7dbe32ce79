/// 256-bit intermediates for `(x * y) / d` on `UInt128`, via the standard library's
/// `multipliedFullWidth` / `dividingFullWidth` (no big-integer dependency).
public enum Rounding: Sendable, Hashable {
    case down
    case up
}

public enum FullWidth {
    /// `(x * y) / d` rounded as asked; nil when `d == 0` or the quotient does not fit in `UInt128`
    /// (the same cases in which Rust's `U256 ... try_into::<u128>()` fails).
    @inlinable
    public static func mulDiv(_ x: UInt128, _ y: UInt128, _ d: UInt128, _ rounding: Rounding) -> UInt128? {
        guard d != 0 else { return nil }
        let product = x.multipliedFullWidth(by: y)
        // dividingFullWidth traps when the quotient overflows: the quotient fits iff high < d.
        guard product.high < d else { return nil }
        let (q, r) = d.dividingFullWidth(product)
        if rounding == .up && r != 0 {
            return q == UInt128.max ? nil : q + 1
        }
        return q
    }

    /// `(x * y) >> offset`.
    @inlinable
    public static func mulShr(_ x: UInt128, _ y: UInt128, _ offset: Int, _ rounding: Rounding) -> UInt128? {
        precondition(offset > 0 && offset < 128, "shift out of range")
        return mulDiv(x, y, UInt128(1) << offset, rounding)
    }

    /// `(x << offset) / y`.
    @inlinable
    public static func shlDiv(_ x: UInt128, _ y: UInt128, _ offset: Int, _ rounding: Rounding) -> UInt128? {
        precondition(offset > 0 && offset < 128, "shift out of range")
        return mulDiv(x, UInt128(1) << offset, y, rounding)
    }

    /// `ceil(n / d)` for `d > 0`.
    @inlinable
    public static func ceilDiv(_ n: UInt128, _ d: UInt128) -> UInt128 {
        precondition(d != 0, "ceilDiv by zero")
        let (q, r) = n.quotientAndRemainder(dividingBy: d)
        return r == 0 ? q : q + 1
    }
}
