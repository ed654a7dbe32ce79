import SolanaPrimitives

/// One swap of a (possibly multi-leg) transaction: which venue, which way, how much, and the guard.
public struct SwapLeg: Sendable {
    public var venue: any Venue
    public var direction: SwapDirection
    /// Exact input of this leg.
    public var amountIn: UInt64
    /// Minimum output accepted by the program (slippage / profit guard).
    public var minimumOut: UInt64
    /// Token programs of the leg's input and output mints (SPL Token or Token-2022).
    public var inputTokenProgram: Address
    public var outputTokenProgram: Address

    public init(
        venue: any Venue, direction: SwapDirection, amountIn: UInt64, minimumOut: UInt64,
        inputTokenProgram: Address = ProgramIDs.token, outputTokenProgram: Address = ProgramIDs.token
    ) {
        self.venue = venue
        self.direction = direction
        self.amountIn = amountIn
        self.minimumOut = minimumOut
        self.inputTokenProgram = inputTokenProgram
        self.outputTokenProgram = outputTokenProgram
    }

    public var inputMint: Address { direction == .aToB ? venue.mintA : venue.mintB }
    public var outputMint: Address { direction == .aToB ? venue.mintB : venue.mintA }
}

/// Assembles the instructions of a swap transaction for a wallet: compute budget, the wallet's associated token
/// accounts (created idempotently), wrapping SOL into wSOL when the first input is SOL, the legs chained (each
/// leg's output account is the next leg's input account), and unwrapping wSOL at the end. Pure: no signing.
public enum SwapTransaction {
    public static func instructions(
        owner: Address, legs: [SwapLeg], computeUnitLimit: UInt32, microLamportsPerComputeUnit: UInt64
    ) throws(VenueError) -> [Instruction] {
        guard let first = legs.first else { throw VenueError(.invalidState, "a swap transaction needs a leg") }
        for (a, b) in zip(legs, legs.dropFirst()) where a.outputMint != b.inputMint {
            throw VenueError(
                .invalidState, "leg output \(a.outputMint) does not feed the next leg's input \(b.inputMint)")
        }
        var ixs: [Instruction] = [
            ComputeBudgetProgram.setComputeUnitLimit(computeUnitLimit),
            ComputeBudgetProgram.setComputeUnitPrice(microLamports: microLamportsPerComputeUnit),
        ]
        // Every mint the wallet touches, with its token program, in first-use order.
        var mints: [(mint: Address, program: Address)] = [(first.inputMint, first.inputTokenProgram)]
        for leg in legs where !mints.contains(where: { $0.mint == leg.outputMint }) {
            mints.append((leg.outputMint, leg.outputTokenProgram))
        }
        func ata(_ mint: Address) -> Address {
            let program = mints.first { $0.mint == mint }?.program ?? ProgramIDs.token
            return AssociatedTokenAccount.address(wallet: owner, mint: mint, tokenProgram: program)
        }
        for m in mints {
            ixs.append(
                AssociatedTokenProgram.createIdempotent(
                    payer: owner, wallet: owner, mint: m.mint, tokenProgram: m.program))
        }
        let usesSOL = mints.contains { $0.mint == Mints.wrappedSOL }
        if first.inputMint == Mints.wrappedSOL {
            let wsol = ata(Mints.wrappedSOL)
            ixs.append(SystemProgram.transfer(from: owner, to: wsol, lamports: first.amountIn))
            ixs.append(TokenProgram.syncNative(account: wsol))
        }
        for leg in legs {
            ixs += try leg.venue.swapInstructions(
                SwapParams(
                    direction: leg.direction, amountIn: leg.amountIn, amountOut: leg.minimumOut, exactIn: true,
                    owner: owner, userSource: ata(leg.inputMint), userDestination: ata(leg.outputMint)))
        }
        if usesSOL {
            ixs.append(TokenProgram.closeAccount(account: ata(Mints.wrappedSOL), destination: owner, owner: owner))
        }
        return ixs
    }
}
