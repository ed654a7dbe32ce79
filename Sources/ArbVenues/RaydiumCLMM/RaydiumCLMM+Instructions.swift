import ArbMath
import SolanaPrimitives

extension RaydiumCLMMVenue {
    /// Tick arrays (start indexes, swap order) to pass for a swap of these params: the arrays the quote visits,
    /// then further initialized arrays up to three, so a small price move before execution still succeeds.
    public func swapTickArrayStarts(_ params: SwapParams) -> [Int32] {
        let zeroForOne = params.direction == .aToB
        let amount = params.exactIn ? params.amountIn : params.amountOut
        var starts: [Int32] = []
        if let r = try? runSwap(amount: amount, zeroForOne: zeroForOne, isBaseInput: params.exactIn) {
            starts = r.tickArraysVisited
        }
        if let pool = try? swapPool() {
            for s in ClmmMath.initializedTickArrayStarts(
                pool: pool, bitmapExtension: bitmapExtension, zeroForOne: zeroForOne, limit: 3)
            where starts.count < 3 && !starts.contains(s) {
                starts.append(s)
            }
        }
        return starts
    }

    /// `swap` (SPL Token on both sides) or `swap_v2` (any Token-2022 side). Exact-in: `amount = amountIn`,
    /// threshold = minimum out; exact-out: `amount = amountOut`, threshold = maximum in. `sqrt_price_limit = 0`.
    /// Remaining accounts: the bitmap extension (when it exists) then the further tick arrays, in swap order.
    public func swapInstructions(_ params: SwapParams) throws(VenueError) -> [Instruction] {
        try checkSupported()
        let zeroForOne = params.direction == .aToB
        let starts = swapTickArrayStarts(params)
        guard let first = starts.first else {
            throw VenueError(.insufficientLiquidity, "CLMM \(address): no initialized tick array in this direction")
        }
        let (inVault, outVault) =
            zeroForOne ? (state.tokenVault0, state.tokenVault1) : (state.tokenVault1, state.tokenVault0)
        let (inMint, outMint) = zeroForOne ? (state.tokenMint0, state.tokenMint1) : (state.tokenMint1, state.tokenMint0)

        let classic =
            (vault0?.tokenProgram ?? ProgramIDs.token) == ProgramIDs.token
            && (vault1?.tokenProgram ?? ProgramIDs.token) == ProgramIDs.token
        let keys = RaydiumCLMMLayout.SwapKeys(
            payer: params.owner, ammConfig: state.ammConfig, poolState: address, inputTokenAccount: params.userSource,
            outputTokenAccount: params.userDestination, inputVault: inVault, outputVault: outVault,
            observationState: state.observationKey, inputVaultMint: inMint, outputVaultMint: outMint,
            bitmapExtension: bitmapExtension != nil ? bitmapExtensionAddress : nil,
            tickArrays: [first].map(tickArrayAddress) + starts.dropFirst().map(tickArrayAddress))
        return [
            RaydiumCLMMLayout.swapInstruction(
                keys, amount: params.exactIn ? params.amountIn : params.amountOut,
                otherAmountThreshold: params.exactIn ? params.amountOut : params.amountIn, sqrtPriceLimitX64: 0,
                isBaseInput: params.exactIn, v2: !classic)
        ]
    }
}

extension RaydiumCLMMLayout {
    public struct SwapKeys: Hashable, Sendable {
        public var payer: Address
        public var ammConfig: Address
        public var poolState: Address
        public var inputTokenAccount: Address
        public var outputTokenAccount: Address
        public var inputVault: Address
        public var outputVault: Address
        public var observationState: Address
        public var inputVaultMint: Address
        public var outputVaultMint: Address
        /// Passed first among the remaining accounts when present.
        public var bitmapExtension: Address?
        /// In swap order; the first is the fixed `tick_array` account of `swap`.
        public var tickArrays: [Address]

        public init(
            payer: Address, ammConfig: Address, poolState: Address, inputTokenAccount: Address,
            outputTokenAccount: Address, inputVault: Address, outputVault: Address, observationState: Address,
            inputVaultMint: Address, outputVaultMint: Address, bitmapExtension: Address?, tickArrays: [Address]
        ) {
            self.payer = payer
            self.ammConfig = ammConfig
            self.poolState = poolState
            self.inputTokenAccount = inputTokenAccount
            self.outputTokenAccount = outputTokenAccount
            self.inputVault = inputVault
            self.outputVault = outputVault
            self.observationState = observationState
            self.inputVaultMint = inputVaultMint
            self.outputVaultMint = outputVaultMint
            self.bitmapExtension = bitmapExtension
            self.tickArrays = tickArrays
        }
    }

    /// Data of `swap` / `swap_v2`: discriminator, amount u64, other_amount_threshold u64, sqrt_price_limit_x64
    /// u128, is_base_input bool (41 bytes).
    public static func swapData(
        amount: UInt64, otherAmountThreshold: UInt64, sqrtPriceLimitX64: UInt128, isBaseInput: Bool, v2: Bool
    ) -> [UInt8] {
        var data = ByteWriter(capacity: 41)
        data.write(v2 ? swapV2Discriminator : swapDiscriminator)
        data.u64(amount)
        data.u64(otherAmountThreshold)
        data.write(withUnsafeBytes(of: sqrtPriceLimitX64.littleEndian) { Array($0) })
        data.bool(isBaseInput)
        return data.bytes
    }

    public static func swapInstruction(
        _ k: SwapKeys, amount: UInt64, otherAmountThreshold: UInt64, sqrtPriceLimitX64: UInt128, isBaseInput: Bool,
        v2: Bool
    ) -> Instruction {
        precondition(!k.tickArrays.isEmpty, "a CLMM swap takes at least one tick array")
        let data = swapData(
            amount: amount, otherAmountThreshold: otherAmountThreshold, sqrtPriceLimitX64: sqrtPriceLimitX64,
            isBaseInput: isBaseInput, v2: v2)
        var accounts: [AccountMeta] = [
            .readonly(k.payer, signer: true), .readonly(k.ammConfig), .writable(k.poolState),
            .writable(k.inputTokenAccount), .writable(k.outputTokenAccount), .writable(k.inputVault),
            .writable(k.outputVault), .writable(k.observationState), .readonly(ProgramIDs.token),
        ]
        let extensionMeta: [AccountMeta] = k.bitmapExtension.map { [.writable($0)] } ?? []
        if v2 {
            accounts += [
                .readonly(ProgramIDs.token2022), .readonly(ProgramIDs.memo), .readonly(k.inputVaultMint),
                .readonly(k.outputVaultMint),
            ]
            accounts += extensionMeta
            accounts += k.tickArrays.map { .writable($0) }
        } else {
            accounts.append(.writable(k.tickArrays[0]))
            accounts += extensionMeta
            accounts += k.tickArrays.dropFirst().map { .writable($0) }
        }
        return Instruction(programId: programId, accounts: accounts, data: data)
    }
}
