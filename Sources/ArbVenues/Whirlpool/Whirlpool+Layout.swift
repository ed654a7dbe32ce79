import ArbMath
import SolanaPrimitives

/// Orca Whirlpool account layouts (orca-so/whirlpools @630c0e01 programs/whirlpool/src/state/*.rs; offsets include
/// the 8-byte Anchor discriminator; see shared/design/DEX-LAYOUTS.md §4, verified against real dumps).
public enum WhirlpoolLayout {
    public static let programId = Address("whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc")

    // sha256("account:<Name>")[0..8]
    public static let whirlpoolDiscriminator: [UInt8] = [0x3f, 0x95, 0xd1, 0x0c, 0xe1, 0x80, 0x63, 0x09]
    public static let fixedTickArrayDiscriminator: [UInt8] = [0x45, 0x61, 0xbd, 0xbe, 0x6e, 0x07, 0x42, 0xbb]
    public static let dynamicTickArrayDiscriminator: [UInt8] = [0x11, 0xd8, 0xf6, 0x8e, 0xe1, 0xc7, 0xda, 0x38]
    // sha256("global:<ix>")[0..8]
    public static let swapDiscriminator: [UInt8] = [0xf8, 0xc6, 0x9e, 0x91, 0xe1, 0x75, 0x87, 0xc8]
    public static let swapV2Discriminator: [UInt8] = [0x2b, 0x04, 0xed, 0x0b, 0x1a, 0xc9, 0x1e, 0x62]

    public static let whirlpoolSize = 653
    public static let fixedTickArraySize = 9988
    public static let tickSize = 113
    /// DynamicTickArray: 60-byte header, then 88 ticks of 1 tag byte (+ 112 bytes when initialized).
    public static let dynamicTickArrayMinSize = 148
    public static let dynamicTickArrayMaxSize = 10004

    public enum Offset {
        public static let whirlpoolsConfig = 8
        public static let whirlpoolBump = 40
        public static let tickSpacing = 41
        public static let feeTierIndexSeed = 43
        public static let feeRate = 45
        public static let protocolFeeRate = 47
        public static let liquidity = 49
        public static let sqrtPrice = 65
        public static let tickCurrentIndex = 81
        public static let protocolFeeOwedA = 85
        public static let protocolFeeOwedB = 93
        public static let tokenMintA = 101
        public static let tokenVaultA = 133
        public static let feeGrowthGlobalA = 165
        public static let tokenMintB = 181
        public static let tokenVaultB = 213
        public static let feeGrowthGlobalB = 245
        public static let rewardLastUpdatedTimestamp = 261
        public static let rewardInfos = 269
    }

    /// PDA `["tick_array", whirlpool, start_tick_index as decimal ASCII]`.
    public static func tickArrayAddress(whirlpool: Address, startTickIndex: Int32) -> Address {
        // Three short seeds are always valid; a bump exists except with negligible probability.
        try! ProgramDerivedAddress.find(
            seeds: [Array("tick_array".utf8), whirlpool.bytes, Array(String(startTickIndex).utf8)],
            programId: programId
        ).address
    }

    /// PDA `["oracle", whirlpool]`.
    public static func oracleAddress(whirlpool: Address) -> Address {
        try! ProgramDerivedAddress.find(seeds: [Array("oracle".utf8), whirlpool.bytes], programId: programId).address
    }

    /// PDA `["whirlpool", config, mint_a, mint_b, fee_tier_index u16 LE]`.
    public static func whirlpoolAddress(config: Address, mintA: Address, mintB: Address, feeTierIndex: UInt16)
        -> Address
    {
        try! ProgramDerivedAddress.find(
            seeds: [
                Array("whirlpool".utf8), config.bytes, mintA.bytes, mintB.bytes,
                [UInt8(feeTierIndex & 0xff), UInt8(feeTierIndex >> 8)],
            ],
            programId: programId
        ).address
    }

    /// Decodes a fixed or dynamic tick array account into the swap model; checks owner, discriminator, size and
    /// that it belongs to `whirlpool` when given.
    public static func decodeTickArray(_ account: AccountData, whirlpool: Address?) throws(VenueError)
        -> WhirlpoolTickArray
    {
        try account.expectOwner(programId, "Whirlpool tick array")
        let b = AccountBytes(account.data, "Whirlpool tick array \(account.address)")
        try b.check(0, 8)
        let disc = Array(account.data[0..<8])
        var ticks: [WhirlpoolTick] = []
        ticks.reserveCapacity(88)
        let start: Int32
        let owner: Address
        if disc == fixedTickArrayDiscriminator {
            guard account.data.count == fixedTickArraySize else {
                throw VenueError(
                    .wrongSize, "fixed tick array \(account.address): \(account.data.count) bytes, expected 9988")
            }
            start = try b.i32(8)
            for i in 0..<88 {
                let o = 12 + i * tickSize
                ticks.append(
                    WhirlpoolTick(
                        initialized: try b.bool(o), liquidityNet: try b.i128(o + 1), liquidityGross: try b.u128(o + 17))
                )
            }
            owner = try b.address(9956)
        } else if disc == dynamicTickArrayDiscriminator {
            guard account.data.count >= dynamicTickArrayMinSize, account.data.count <= dynamicTickArrayMaxSize else {
                throw VenueError(.wrongSize, "dynamic tick array \(account.address): \(account.data.count) bytes")
            }
            start = try b.i32(8)
            owner = try b.address(12)
            let bitmap = try b.u128(44)
            var o = 60
            for i in 0..<88 {
                let tag = try b.u8(o)
                o += 1
                switch tag {
                case 0:
                    ticks.append(WhirlpoolTick())
                case 1:
                    ticks.append(
                        WhirlpoolTick(
                            initialized: true, liquidityNet: try b.i128(o), liquidityGross: try b.u128(o + 16)))
                    o += 112
                default:
                    throw VenueError(.invalidState, "dynamic tick array \(account.address): tick \(i) has tag \(tag)")
                }
                guard ((bitmap >> UInt128(i)) & 1 == 1) == ticks[i].initialized else {
                    throw VenueError(
                        .invalidState, "dynamic tick array \(account.address): bitmap disagrees at tick \(i)")
                }
            }
            guard o == account.data.count else {
                throw VenueError(
                    .wrongSize, "dynamic tick array \(account.address): \(account.data.count) bytes, ticks end at \(o)")
            }
        } else {
            throw VenueError(.wrongDiscriminator, "\(account.address) is not a Whirlpool tick array (\(hex(disc)))")
        }
        if let whirlpool, owner != whirlpool {
            throw VenueError(.invalidState, "tick array \(account.address) belongs to \(owner), not \(whirlpool)")
        }
        return WhirlpoolTickArray(startTickIndex: start, ticks: ticks)
    }
}

/// `WhirlpoolsConfig` (108 bytes): authorities and the default protocol fee rate.
public struct WhirlpoolsConfig: Hashable, Sendable {
    public static let discriminator: [UInt8] = [0x9d, 0x14, 0x31, 0xe0, 0xd9, 0x57, 0xc1, 0xfe]
    public var feeAuthority: Address
    public var collectProtocolFeesAuthority: Address
    public var rewardEmissionsSuperAuthority: Address
    public var defaultProtocolFeeRate: UInt16

    public init(_ account: AccountData) throws(VenueError) {
        try account.expectOwner(WhirlpoolLayout.programId, "WhirlpoolsConfig")
        let b = AccountBytes(account.data, "WhirlpoolsConfig \(account.address)")
        guard account.data.count == 108 else {
            throw VenueError(.wrongSize, "WhirlpoolsConfig: \(account.data.count) bytes")
        }
        try b.expectDiscriminator(Self.discriminator)
        feeAuthority = try b.address(8)
        collectProtocolFeesAuthority = try b.address(40)
        rewardEmissionsSuperAuthority = try b.address(72)
        defaultProtocolFeeRate = try b.u16(104)
    }
}

/// `FeeTier` (44 bytes): the default fee rate for a tick spacing under a config.
public struct WhirlpoolFeeTier: Hashable, Sendable {
    public static let discriminator: [UInt8] = [0x38, 0x4b, 0x9f, 0x4c, 0x8e, 0x44, 0xbe, 0x69]
    public var whirlpoolsConfig: Address
    public var tickSpacing: UInt16
    public var defaultFeeRate: UInt16

    public init(_ account: AccountData) throws(VenueError) {
        try account.expectOwner(WhirlpoolLayout.programId, "FeeTier")
        let b = AccountBytes(account.data, "FeeTier \(account.address)")
        guard account.data.count == 44 else { throw VenueError(.wrongSize, "FeeTier: \(account.data.count) bytes") }
        try b.expectDiscriminator(Self.discriminator)
        whirlpoolsConfig = try b.address(8)
        tickSpacing = try b.u16(40)
        defaultFeeRate = try b.u16(42)
    }
}

/// The `Oracle` account of an adaptive-fee whirlpool (254 bytes, state/oracle.rs): fee constants and the
/// volatility variables the swap updates.
public struct WhirlpoolOracle: Hashable, Sendable {
    /// sha256("account:Oracle")[0..8] (the same name, hence discriminator, as Meteora DLMM's oracle).
    public static let discriminator: [UInt8] = [0x8b, 0xc2, 0x83, 0xb3, 0x8c, 0xb3, 0xe5, 0xf4]
    public static let size = 254

    public var whirlpool: Address
    public var tradeEnableTimestamp: UInt64
    public var constants: WhirlpoolAdaptiveFeeConstants
    public var variables: WhirlpoolAdaptiveFeeVariables

    public init(_ account: AccountData) throws(VenueError) {
        try account.expectOwner(WhirlpoolLayout.programId, "Whirlpool oracle")
        let b = AccountBytes(account.data, "Whirlpool oracle \(account.address)")
        guard account.data.count == Self.size else {
            throw VenueError(
                .wrongSize, "Whirlpool oracle \(account.address): \(account.data.count) bytes, expected 254")
        }
        try b.expectDiscriminator(Self.discriminator)
        whirlpool = try b.address(8)
        tradeEnableTimestamp = try b.u64(40)
        constants = WhirlpoolAdaptiveFeeConstants(
            filterPeriod: try b.u16(48), decayPeriod: try b.u16(50), reductionFactor: try b.u16(52),
            adaptiveFeeControlFactor: try b.u32(54), maxVolatilityAccumulator: try b.u32(58),
            tickGroupSize: try b.u16(62), majorSwapThresholdTicks: try b.u16(64))
        variables = WhirlpoolAdaptiveFeeVariables(
            lastReferenceUpdateTimestamp: try b.u64(82), lastMajorSwapTimestamp: try b.u64(90),
            volatilityReference: try b.u32(98), tickGroupIndexReference: try b.i32(102),
            volatilityAccumulator: try b.u32(106))
        guard constants.tickGroupSize > 0, constants.adaptiveFeeControlFactor < 100_000 else {
            throw VenueError(.invalidState, "Whirlpool oracle \(account.address): invalid adaptive fee constants")
        }
    }
}
