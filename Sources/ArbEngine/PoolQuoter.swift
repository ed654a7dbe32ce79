import ArbVenues
import SolanaPrimitives

/// What the engine needs from a pool: its two tokens and an exact, pure exact-in quote.
///
/// The engine never looks inside a venue; any `Venue` becomes a quoter through `VenueQuoter`, and tests or the
/// simulator can plug in `ConstantProductQuoter`. A quote must be a pure function of the value's state: the
/// engine calls it many times per update while sizing and relies on same input → same output.
public protocol PoolQuoter: Sendable {
    /// The pool (state) account; the key of the pool in the engine.
    var address: Address { get }
    var mintA: Address { get }
    var mintB: Address { get }
    /// Which program the pool belongs to: selects the compute-unit and transaction-shape estimates.
    var kind: VenueKind { get }
    /// Exact-in quote: the output the program would pay for `amountIn`, or nil when it would fail
    /// (no liquidity, overflow, disabled pool, zero output).
    func quote(amountIn: UInt64, direction: SwapDirection) -> UInt64?
    /// Output per unit of input at the margin, after fees (an upper bound for any finite input, since output is
    /// concave in input). Used only to screen cycles before exact quoting, never for amounts. nil: no liquidity.
    func marginalRate(direction: SwapDirection) -> Double?
    /// A curvature `c ≥ 0` such that `quote(x) ≤ m·x / (1 + c·x)` for every input `x`, where `m` is
    /// `marginalRate` — a bound on how much the pool can pay, used only to skip cycles that cannot cover their
    /// costs at any size. 0 (the default) means "no bound": nothing is skipped on its account. A constant-product
    /// pool with an input fee is exactly of that form (c = (1 − fee) / input reserve); a concentrated-liquidity
    /// pool may only return the curvature of its *deepest* reachable liquidity (a larger c would be unsound
    /// where liquidity grows beyond the next tick), so venues keep the default unless they can prove a bound.
    func curvatureBound(direction: SwapDirection) -> Double
}

extension PoolQuoter {
    public func curvatureBound(direction: SwapDirection) -> Double { 0 }

    /// Default estimate from exact quotes: the smallest input among 10, 100, … whose output is at least 10^6 units
    /// (rounding below 1e-6), the average rates r1 at that input and r2 at twice it, and r1 + 2·(r1 − r2): for a
    /// constant-product curve the true margin is ≈ r1 + (r1 − r2), so this over-estimates (the screen stays
    /// sound) while still rejecting cycles that are clearly unprofitable. Venues may override with their spot
    /// price (CLMM √P², DLMM active bin).
    public func marginalRate(direction: SwapDirection) -> Double? {
        var amount: UInt64 = 10
        while amount <= 1_000_000_000_000_000 {
            if let out = quote(amountIn: amount, direction: direction), out >= 1_000_000 {
                let r1 = Double(out) / Double(amount)
                guard let out2 = quote(amountIn: amount * 2, direction: direction) else { return r1 * 2 }
                let r2 = Double(out2) / Double(amount * 2)
                return r1 + 2 * max(0, r1 - r2)
            }
            amount *= 10
        }
        return nil
    }
}

/// Adapts any `Venue` (decoded and updated from account bytes) to the engine's quoting abstraction.
/// A venue error (insufficient liquidity, overflow…) is "no fill" for the engine.
public struct VenueQuoter<V: Venue>: PoolQuoter {
    public var venue: V

    public init(_ venue: V) { self.venue = venue }

    public var address: Address { venue.address }
    public var mintA: Address { venue.mintA }
    public var mintB: Address { venue.mintB }
    public var kind: VenueKind { V.kind }

    public func quote(amountIn: UInt64, direction: SwapDirection) -> UInt64? {
        guard amountIn > 0 else { return nil }
        guard let q = try? venue.quote(QuoteRequest(amount: amountIn, direction: direction, exactIn: true)),
            q.amountOut > 0
        else { return nil }
        return q.amountOut
    }
}

/// A type-erased quoter, for an engine over pools of several venue kinds (`ArbEngine<AnyPoolQuoter>`).
public struct AnyPoolQuoter: PoolQuoter {
    public let base: any PoolQuoter

    public init(_ base: any PoolQuoter) { self.base = base }

    public var address: Address { base.address }
    public var mintA: Address { base.mintA }
    public var mintB: Address { base.mintB }
    public var kind: VenueKind { base.kind }
    public func quote(amountIn: UInt64, direction: SwapDirection) -> UInt64? {
        base.quote(amountIn: amountIn, direction: direction)
    }
    public func marginalRate(direction: SwapDirection) -> Double? { base.marginalRate(direction: direction) }
    public func curvatureBound(direction: SwapDirection) -> Double { base.curvatureBound(direction: direction) }
}

/// An exact constant-product pool (x·y = k) with an input fee in basis points, floor rounding everywhere:
/// `in' = ⌊in·(10000−fee)/10000⌋`, `out = ⌊y·in'/(x+in')⌋`. It is a reference model for tests, benchmarks and
/// simulation, not a venue: real pools come through `VenueQuoter`.
public struct ConstantProductQuoter: PoolQuoter, Hashable {
    public var address: Address
    public var mintA: Address
    public var mintB: Address
    public var reserveA: UInt64
    public var reserveB: UInt64
    public var feeBps: UInt64
    public var kind: VenueKind

    public init(
        address: Address, mintA: Address, mintB: Address, reserveA: UInt64, reserveB: UInt64, feeBps: UInt64,
        kind: VenueKind = .raydiumCpmm
    ) {
        precondition(feeBps < 10_000, "fee must be below 100%")
        self.address = address
        self.mintA = mintA
        self.mintB = mintB
        self.reserveA = reserveA
        self.reserveB = reserveB
        self.feeBps = feeBps
        self.kind = kind
    }

    /// The same floors computed in 64-bit words where they fit (a 64×64→128 multiply and one 128÷64 divide
    /// whose quotient, y·in/(x + in) ≤ y, always fits), else in `UInt128`.
    @inlinable
    public func quote(amountIn: UInt64, direction: SwapDirection) -> UInt64? {
        guard amountIn > 0 else { return nil }
        let (x, y) = direction == .aToB ? (reserveA, reserveB) : (reserveB, reserveA)
        let inAfterFee: UInt64
        if amountIn <= UInt64.max / 10_000 {
            inAfterFee = amountIn * (10_000 - feeBps) / 10_000
        } else {
            inAfterFee = UInt64(UInt128(amountIn) * UInt128(10_000 - feeBps) / 10_000)
        }
        let (denominator, overflow) = x.addingReportingOverflow(inAfterFee)
        let out: UInt64
        if !overflow {
            guard denominator > 0 else { return nil }
            out = denominator.dividingFullWidth(y.multipliedFullWidth(by: inAfterFee)).quotient
        } else {
            out = UInt64(UInt128(y) * UInt128(inAfterFee) / (UInt128(x) + UInt128(inAfterFee)))
        }
        guard out > 0, out < y else { return nil }
        return out
    }

    /// Spot rate after the input fee: y/x · (1 − fee).
    public func marginalRate(direction: SwapDirection) -> Double? {
        let (x, y) = direction == .aToB ? (reserveA, reserveB) : (reserveB, reserveA)
        guard x > 0, y > 0 else { return nil }
        return Double(y) / Double(x) * Double(10_000 - feeBps) / 10_000
    }

    /// out = y·γx / (X + γx) = m·x / (1 + (γ/X)·x) with m = γ·y/X, γ = 1 − fee; floor rounding only lowers it.
    public func curvatureBound(direction: SwapDirection) -> Double {
        let x = direction == .aToB ? reserveA : reserveB
        guard x > 0 else { return 0 }
        return Double(10_000 - feeBps) / 10_000 / Double(x)
    }

    /// The pool after a swap of `amountIn` in `direction` (the fee stays in the pool), or nil if it cannot fill.
    public func afterSwap(amountIn: UInt64, direction: SwapDirection) -> ConstantProductQuoter? {
        guard let out = quote(amountIn: amountIn, direction: direction) else { return nil }
        var next = self
        switch direction {
        case .aToB:
            let (a, o) = reserveA.addingReportingOverflow(amountIn)
            guard !o else { return nil }
            next.reserveA = a
            next.reserveB = reserveB - out
        case .bToA:
            let (b, o) = reserveB.addingReportingOverflow(amountIn)
            guard !o else { return nil }
            next.reserveB = b
            next.reserveA = reserveA - out
        }
        return next
    }
}
