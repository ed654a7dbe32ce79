import ArbVenues
import SolanaPrimitives

// What the simulated Raydium CLMM and Orca Whirlpool programs (and their layout writers) share: Anchor's
// instruction and account checks, the swap's slippage threshold, and the fixed tick-array geometry with the
// crossed-tick fee-growth update. Each program keeps its own wire encoding, account positions and error numbers.

/// Where a fixed-size tick array keeps its ticks: Raydium CLMM `TickArrayState` (programs/amm/src/states/
/// tick_array.rs) and Orca Whirlpool fixed `TickArray` (programs/whirlpool/src/state/tick.rs). Offsets within a
/// tick are relative to the tick's first byte.
struct TickArrayGeometry {
    /// Offset of the first tick, bytes per tick, ticks per array.
    let firstTick: Int
    let tickSize: Int
    let ticksPerArray: Int
    /// The tick's leading field (CLMM: `tick` i32; Whirlpool: `initialized` bool), its size.
    let markerSize: Int
    /// `liquidity_net` i128, `liquidity_gross` u128, `fee_growth_outside` of token 0/A and 1/B (u128).
    let liquidityNet: Int
    let liquidityGross: Int
    let feeGrowthOutside0: Int
    let feeGrowthOutside1: Int

    static let raydiumCLMM = TickArrayGeometry(
        firstTick: 44, tickSize: RaydiumCLMMLayout.tickStateSize, ticksPerArray: 60, markerSize: 4, liquidityNet: 4,
        liquidityGross: 20, feeGrowthOutside0: 36, feeGrowthOutside1: 52)
    static let whirlpool = TickArrayGeometry(
        firstTick: 12, tickSize: WhirlpoolLayout.tickSize, ticksPerArray: 88, markerSize: 1, liquidityNet: 1,
        liquidityGross: 17, feeGrowthOutside0: 33, feeGrowthOutside1: 49)

    /// Offset of tick `i` of the array.
    func tick(_ i: Int) -> Int { firstTick + i * tickSize }

    /// Writes tick `i`'s liquidity (the marker is the caller's: its type differs).
    func writeLiquidity(net: Int128, gross: UInt128, tick i: Int, into d: inout [UInt8]) {
        d.put(net, at: tick(i) + liquidityNet)
        d.put(gross, at: tick(i) + liquidityGross)
    }

    /// The (offset, size) of the marker and liquidity of ticks 0..<count: what the layout writers set.
    func tickFields(count: Int) -> [(offset: Int, size: Int)] {
        var f: [(offset: Int, size: Int)] = []
        for i in 0..<count {
            f += [(tick(i), markerSize), (tick(i) + liquidityNet, 16), (tick(i) + liquidityGross, 16)]
        }
        return f
    }

    /// Crossing tick `i` (CLMM `TickState::cross`, Whirlpool `Tick::update` on a cross): fee_growth_outside =
    /// global − outside, for token 0/A and token 1/B.
    func cross(tick i: Int, globals: (UInt128, UInt128), in d: inout [UInt8]) {
        let o0 = tick(i) + feeGrowthOutside0
        let o1 = tick(i) + feeGrowthOutside1
        d.put(globals.0 &- d.le(UInt128.self, at: o0), at: o0)
        d.put(globals.1 &- d.le(UInt128.self, at: o1), at: o1)
    }
}

/// The concentrated-liquidity swap steps both programs take the same way.
enum ConcentratedLiquidity {
    /// A tick the swap crossed, with the input token's global fee growth as it was at the crossing.
    struct Crossing {
        var tick: Int32
        var feeGrowthGlobalInput: UInt128
    }

    /// The swap's slippage check: exact-in, the output must reach `threshold` (else `belowMinimum`); exact-out,
    /// the input must not exceed it (else `aboveMaximum`). Logged as the programs log it.
    static func checkThreshold(
        _ ctx: inout InvocationContext, _ q: Quote, threshold: UInt64, exactIn: Bool, belowMinimum: UInt32,
        aboveMaximum: UInt32
    ) throws(InstructionError) {
        if exactIn {
            guard q.amountOut >= threshold else {
                ctx.log("amount_out: \(q.amountOut), other_amount_threshold: \(threshold)")
                throw .custom(belowMinimum)
            }
        } else {
            guard q.amountIn <= threshold else {
                ctx.log("amount_in: \(q.amountIn), other_amount_threshold: \(threshold)")
                throw .custom(aboveMaximum)
            }
        }
    }

    /// Writes every crossed tick's fee growth outside into its tick array, which must be among the
    /// instruction's accounts (else `Custom(missingArray)`): token 0/A's and 1/B's globals are the input token's
    /// as it was at the crossing and the other token's unchanged global (`globals`, the state before the swap).
    /// Arrays whose size is not `fixedArraySize` (when given) are skipped: their fee growth is not modelled.
    static func recordCrossings(
        _ ctx: inout InvocationContext, _ crossings: [Crossing], inputIsToken0: Bool, globals: (UInt128, UInt128),
        tickSpacing: UInt16, geometry: TickArrayGeometry, fixedArraySize: Int? = nil,
        arrayStart: (Int32) -> Int32, arrayAddress: (Int32) -> Address, missingArray: UInt32
    ) throws(InstructionError) {
        for c in crossings {
            let start = arrayStart(c.tick)
            guard let pos = ctx.position(of: arrayAddress(start)) else { throw .custom(missingArray) }
            var ta = ctx.account(pos)
            if let fixedArraySize, ta.data.count != fixedArraySize { continue }
            let g0 = inputIsToken0 ? c.feeGrowthGlobalInput : globals.0
            let g1 = inputIsToken0 ? globals.1 : c.feeGrowthGlobalInput
            geometry.cross(tick: Int((c.tick - start) / Int32(tickSpacing)), globals: (g0, g1), in: &ta.data)
            try ctx.set(pos, ta)
        }
    }
}

extension InvocationContext {
    /// Anchor's instruction dispatch: the position in `discriminators` of the data's first 8 bytes
    /// (`InstructionFallbackNotFound` for none).
    func anchorInstruction(_ discriminators: [[UInt8]]) throws(InstructionError) -> Int {
        guard data.count >= 8, let i = discriminators.firstIndex(of: Array(data[0..<8])) else {
            throw .custom(AnchorErrorCode.instructionFallbackNotFound)
        }
        return i
    }

    /// Anchor's `#[account(mut)] Account<'info, T>` checks on the account at `i`, in Anchor's order: owner,
    /// discriminator, writable.
    func requireAnchorAccount(_ i: Int, owner: Address, discriminator: [UInt8]) throws(InstructionError) {
        let a = account(i)
        guard a.owner == owner else { throw .custom(AnchorErrorCode.accountOwnedByWrongProgram) }
        guard a.data.count >= 8, Array(a.data[0..<8]) == discriminator else {
            throw .custom(AnchorErrorCode.accountDiscriminatorMismatch)
        }
        guard isWritable(i) else { throw .custom(AnchorErrorCode.accountNotMutable) }
    }

    /// The pool at `i` decoded by the bot's own decoder (`AccountDidNotDeserialize` when it refuses the bytes).
    func decodePool<V: Venue>(_: V.Type, at i: Int) throws(InstructionError) -> V {
        do { return try V(pool: venueAccount(i)) } catch { throw .custom(AnchorErrorCode.accountDidNotDeserialize) }
    }
}
