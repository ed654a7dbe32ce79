import ArbMath
import SolanaPrimitives

extension WhirlpoolVenue {
    /// `swap` (classic SPL Token on both sides) or `swap_v2` (any Token-2022 side), with the three tick arrays of
    /// the program's sequence for the direction and `sqrt_price_limit = 0` (the program then uses MIN/MAX and, for
    /// exact-out, rejects partial fills). Exact-in: `amount = amountIn`, threshold = minimum out (transfer-fee
    /// excluded). Exact-out: `amount = amountOut`, threshold = maximum in.
    public func swapInstructions(_ params: SwapParams) throws(VenueError) -> [Instruction] {
        let aToB = params.direction == .aToB
        let starts = WhirlpoolMath.swapTickArrayStarts(
            tickCurrentIndex: state.tickCurrentIndex, tickSpacing: state.tickSpacing, aToB: aToB)
        let tickArrayKeys = starts.map(tickArrayAddress)
        let (ownerA, ownerB) =
            aToB
            ? (params.userSource, params.userDestination) : (params.userDestination, params.userSource)

        let programA = vaultA?.tokenProgram ?? ProgramIDs.token
        let programB = vaultB?.tokenProgram ?? ProgramIDs.token
        let keys = WhirlpoolLayout.SwapKeys(
            tokenProgramA: programA, tokenProgramB: programB, tokenAuthority: params.owner, whirlpool: address,
            tokenMintA: state.tokenMintA, tokenMintB: state.tokenMintB, tokenOwnerAccountA: ownerA,
            tokenVaultA: state.tokenVaultA, tokenOwnerAccountB: ownerB, tokenVaultB: state.tokenVaultB,
            tickArrays: tickArrayKeys, oracle: WhirlpoolLayout.oracleAddress(whirlpool: address))
        let useV2 = programA != ProgramIDs.token || programB != ProgramIDs.token
        return [
            WhirlpoolLayout.swapInstruction(
                keys, amount: params.exactIn ? params.amountIn : params.amountOut,
                otherAmountThreshold: params.exactIn ? params.amountOut : params.amountIn, sqrtPriceLimit: 0,
                amountSpecifiedIsInput: params.exactIn, aToB: aToB, v2: useV2, writableOracle: state.isAdaptiveFee)
        ]
    }
}

extension WhirlpoolLayout {
    /// The accounts of `swap` / `swap_v2`, named as the program names them.
    public struct SwapKeys: Hashable, Sendable {
        public var tokenProgramA: Address
        public var tokenProgramB: Address
        public var tokenAuthority: Address
        public var whirlpool: Address
        public var tokenMintA: Address
        public var tokenMintB: Address
        public var tokenOwnerAccountA: Address
        public var tokenVaultA: Address
        public var tokenOwnerAccountB: Address
        public var tokenVaultB: Address
        public var tickArrays: [Address]
        public var oracle: Address

        public init(
            tokenProgramA: Address, tokenProgramB: Address, tokenAuthority: Address, whirlpool: Address,
            tokenMintA: Address, tokenMintB: Address, tokenOwnerAccountA: Address, tokenVaultA: Address,
            tokenOwnerAccountB: Address, tokenVaultB: Address, tickArrays: [Address], oracle: Address
        ) {
            self.tokenProgramA = tokenProgramA
            self.tokenProgramB = tokenProgramB
            self.tokenAuthority = tokenAuthority
            self.whirlpool = whirlpool
            self.tokenMintA = tokenMintA
            self.tokenMintB = tokenMintB
            self.tokenOwnerAccountA = tokenOwnerAccountA
            self.tokenVaultA = tokenVaultA
            self.tokenOwnerAccountB = tokenOwnerAccountB
            self.tokenVaultB = tokenVaultB
            self.tickArrays = tickArrays
            self.oracle = oracle
        }
    }

    /// Instruction data: discriminator, amount u64, other_amount_threshold u64, sqrt_price_limit u128,
    /// amount_specified_is_input bool, a_to_b bool (42 bytes); `swap_v2` appends `remaining_accounts_info: None`.
    public static func swapData(
        amount: UInt64, otherAmountThreshold: UInt64, sqrtPriceLimit: UInt128, amountSpecifiedIsInput: Bool,
        aToB: Bool, v2: Bool
    ) -> [UInt8] {
        var data = ByteWriter(capacity: 43)
        data.write(v2 ? swapV2Discriminator : swapDiscriminator)
        data.u64(amount)
        data.u64(otherAmountThreshold)
        data.write(withUnsafeBytes(of: sqrtPriceLimit.littleEndian) { Array($0) })
        data.bool(amountSpecifiedIsInput)
        data.bool(aToB)
        if v2 { data.u8(0) }
        return data.bytes
    }

    /// `swap` (11 accounts, SPL Token only) or `swap_v2` (15 accounts) with the program's signer/writable flags.
    /// The oracle is writable in v2, and in v1 for adaptive-fee pools (the swap updates its volatility variables).
    public static func swapInstruction(
        _ k: SwapKeys, amount: UInt64, otherAmountThreshold: UInt64, sqrtPriceLimit: UInt128,
        amountSpecifiedIsInput: Bool, aToB: Bool, v2: Bool, writableOracle: Bool = false
    ) -> Instruction {
        precondition(k.tickArrays.count == 3, "a Whirlpool swap takes three tick arrays")
        let data = swapData(
            amount: amount, otherAmountThreshold: otherAmountThreshold, sqrtPriceLimit: sqrtPriceLimit,
            amountSpecifiedIsInput: amountSpecifiedIsInput, aToB: aToB, v2: v2)
        let accounts: [AccountMeta]
        if v2 {
            accounts = [
                .readonly(k.tokenProgramA), .readonly(k.tokenProgramB), .readonly(ProgramIDs.memo),
                .readonly(k.tokenAuthority, signer: true), .writable(k.whirlpool), .readonly(k.tokenMintA),
                .readonly(k.tokenMintB), .writable(k.tokenOwnerAccountA), .writable(k.tokenVaultA),
                .writable(k.tokenOwnerAccountB), .writable(k.tokenVaultB), .writable(k.tickArrays[0]),
                .writable(k.tickArrays[1]), .writable(k.tickArrays[2]), .writable(k.oracle),
            ]
        } else {
            accounts = [
                .readonly(ProgramIDs.token), .readonly(k.tokenAuthority, signer: true), .writable(k.whirlpool),
                .writable(k.tokenOwnerAccountA), .writable(k.tokenVaultA), .writable(k.tokenOwnerAccountB),
                .writable(k.tokenVaultB), .writable(k.tickArrays[0]), .writable(k.tickArrays[1]),
                .writable(k.tickArrays[2]), writableOracle ? .writable(k.oracle) : .readonly(k.oracle),
            ]
        }
        return Instruction(programId: programId, accounts: accounts, data: data)
    }
}
