import ArbMath
import SolanaPrimitives

/// Raydium CLMM account layouts (raydium-io/raydium-clmm programs/amm/src/states/*.rs; offsets include the 8-byte
/// Anchor discriminator; shared/design/DEX-LAYOUTS.md §3, verified against real dumps). `PoolState` and `AmmConfig`
/// share their discriminators with Raydium CPMM: owner program and size tell them apart.
public enum RaydiumCLMMLayout {
    public static let programId = Address("CAMMCzo5YL8w4VFF8KVHrK22GGUsp5VTaW7grrKgrWqK")

    public static let poolStateDiscriminator: [UInt8] = [0xf7, 0xed, 0xe3, 0xf5, 0xd7, 0xc3, 0xde, 0x46]
    public static let ammConfigDiscriminator: [UInt8] = [0xda, 0xf4, 0x21, 0x68, 0xcb, 0xcb, 0x2b, 0x6f]
    public static let tickArrayDiscriminator: [UInt8] = [0xc0, 0x9b, 0x55, 0xcd, 0x31, 0xf9, 0x81, 0x2a]
    public static let bitmapExtensionDiscriminator: [UInt8] = [0x3c, 0x96, 0x24, 0xdb, 0x61, 0x80, 0x8b, 0x99]
    public static let swapDiscriminator: [UInt8] = [0xf8, 0xc6, 0x9e, 0x91, 0xe1, 0x75, 0x87, 0xc8]
    public static let swapV2Discriminator: [UInt8] = [0x2b, 0x04, 0xed, 0x0b, 0x1a, 0xc9, 0x1e, 0x62]

    public static let poolStateSize = 1544
    public static let ammConfigSize = 117
    public static let tickArraySize = 10240
    public static let tickStateSize = 168
    public static let bitmapExtensionSize = 8 + 32 + 64 * 14 * 2

    public enum Offset {
        public static let bump = 8
        public static let ammConfig = 9
        public static let owner = 41
        public static let tokenMint0 = 73
        public static let tokenMint1 = 105
        public static let tokenVault0 = 137
        public static let tokenVault1 = 169
        public static let observationKey = 201
        public static let mintDecimals0 = 233
        public static let mintDecimals1 = 234
        public static let tickSpacing = 235
        public static let liquidity = 237
        public static let sqrtPriceX64 = 253
        public static let tickCurrent = 269
        public static let feeGrowthGlobal0 = 277
        public static let feeGrowthGlobal1 = 293
        public static let protocolFeesToken0 = 309
        public static let protocolFeesToken1 = 317
        public static let swapInAmountToken0 = 325
        public static let swapOutAmountToken1 = 341
        public static let swapInAmountToken1 = 357
        public static let swapOutAmountToken0 = 373
        public static let status = 389
        /// 2026 layout: 0 = fee from input, 1 = token0 only, 2 = token1 only (padding, so 0, before).
        public static let feeOn = 390
        public static let rewardInfos = 397
        public static let tickArrayBitmap = 904
        public static let totalFeesToken0 = 1032
        public static let totalFeesClaimedToken0 = 1040
        public static let totalFeesToken1 = 1048
        public static let totalFeesClaimedToken1 = 1056
        public static let fundFeesToken0 = 1064
        public static let fundFeesToken1 = 1072
        public static let openTime = 1080
        public static let recentEpoch = 1088
        /// 2026 layout: `DynamicFeeInfo` (80 bytes; zero on pools without a dynamic fee).
        public static let dynamicFeeInfo = 1096
    }

    static func pda(_ seeds: [[UInt8]]) -> Address {
        try! ProgramDerivedAddress.find(seeds: seeds, programId: programId).address
    }

    /// PDA `["tick_array", pool, start_tick_index i32 big-endian]`.
    public static func tickArrayAddress(pool: Address, startTickIndex: Int32) -> Address {
        let be = withUnsafeBytes(of: startTickIndex.bigEndian) { Array($0) }
        return pda([Array("tick_array".utf8), pool.bytes, be])
    }

    /// PDA `["pool_tick_array_bitmap_extension", pool]`.
    public static func bitmapExtensionAddress(pool: Address) -> Address {
        pda([Array("pool_tick_array_bitmap_extension".utf8), pool.bytes])
    }

    /// PDA `["observation", pool]`.
    public static func observationAddress(pool: Address) -> Address {
        pda([Array("observation".utf8), pool.bytes])
    }

    /// PDA `["pool_vault", pool, mint]`.
    public static func vaultAddress(pool: Address, mint: Address) -> Address {
        pda([Array("pool_vault".utf8), pool.bytes, mint.bytes])
    }

    /// PDA `["amm_config", index u16 big-endian]`.
    public static func ammConfigAddress(index: UInt16) -> Address {
        pda([Array("amm_config".utf8), [UInt8(index >> 8), UInt8(index & 0xff)]])
    }

    /// Decodes a `TickArrayState` (10240 bytes).
    public static func decodeTickArray(_ account: AccountData, pool: Address?) throws(VenueError) -> ClmmTickArray {
        try account.expectOwner(programId, "CLMM tick array")
        let b = AccountBytes(account.data, "CLMM tick array \(account.address)")
        guard account.data.count == tickArraySize else {
            throw VenueError(
                .wrongSize, "CLMM tick array \(account.address): \(account.data.count) bytes, expected 10240")
        }
        try b.expectDiscriminator(tickArrayDiscriminator)
        let poolId = try b.address(8)
        if let pool, poolId != pool {
            throw VenueError(.invalidState, "tick array \(account.address) belongs to \(poolId), not \(pool)")
        }
        let start = try b.i32(40)
        var ticks: [ClmmTick] = []
        ticks.reserveCapacity(60)
        for i in 0..<60 {
            let o = 44 + i * tickStateSize
            let ordersAmount = try b.u64(o + 124)
            let partFilled = try b.u64(o + 132)
            ticks.append(
                ClmmTick(
                    tick: try b.i32(o), liquidityNet: try b.i128(o + 4), liquidityGross: try b.u128(o + 20),
                    hasLimitOrders: ordersAmount != 0 || partFilled != 0))
        }
        return ClmmTickArray(startTickIndex: start, ticks: ticks)
    }

    /// Decodes a `TickArrayBitmapExtension`.
    public static func decodeBitmapExtension(_ account: AccountData, pool: Address?) throws(VenueError)
        -> ClmmBitmapExtension
    {
        try account.expectOwner(programId, "CLMM bitmap extension")
        let b = AccountBytes(account.data, "CLMM bitmap extension \(account.address)")
        guard account.data.count == bitmapExtensionSize else {
            throw VenueError(.wrongSize, "CLMM bitmap extension \(account.address): \(account.data.count) bytes")
        }
        try b.expectDiscriminator(bitmapExtensionDiscriminator)
        let poolId = try b.address(8)
        if let pool, poolId != pool {
            throw VenueError(.invalidState, "bitmap extension \(account.address) belongs to \(poolId), not \(pool)")
        }
        func side(_ base: Int) throws(VenueError) -> [[UInt64]] {
            var out: [[UInt64]] = []
            for i in 0..<14 {
                var words: [UInt64] = []
                for w in 0..<8 { words.append(try b.u64(base + i * 64 + w * 8)) }
                out.append(words)
            }
            return out
        }
        return ClmmBitmapExtension(positive: try side(40), negative: try side(40 + 14 * 64))
    }
}

/// The CLMM `AmmConfig` (117 bytes): fee rates in 1e-6.
public struct ClmmAmmConfig: Hashable, Sendable {
    public var bump: UInt8
    public var index: UInt16
    public var owner: Address
    public var protocolFeeRate: UInt32
    public var tradeFeeRate: UInt32
    public var tickSpacing: UInt16
    public var fundFeeRate: UInt32
    public var fundOwner: Address

    public init(_ account: AccountData) throws(VenueError) {
        try account.expectOwner(RaydiumCLMMLayout.programId, "CLMM AmmConfig")
        let b = AccountBytes(account.data, "CLMM AmmConfig \(account.address)")
        guard account.data.count == RaydiumCLMMLayout.ammConfigSize else {
            throw VenueError(.wrongSize, "CLMM AmmConfig \(account.address): \(account.data.count) bytes, expected 117")
        }
        try b.expectDiscriminator(RaydiumCLMMLayout.ammConfigDiscriminator)
        bump = try b.u8(8)
        index = try b.u16(9)
        owner = try b.address(11)
        protocolFeeRate = try b.u32(43)
        tradeFeeRate = try b.u32(47)
        tickSpacing = try b.u16(51)
        fundFeeRate = try b.u32(53)
        fundOwner = try b.address(61)
        guard tradeFeeRate < ClmmMath.feeRateDenominator, protocolFeeRate <= 1_000_000, fundFeeRate <= 1_000_000,
            UInt64(protocolFeeRate) + UInt64(fundFeeRate) <= 1_000_000
        else {
            throw VenueError(.invalidState, "CLMM AmmConfig \(account.address): fee rates out of range")
        }
    }
}
