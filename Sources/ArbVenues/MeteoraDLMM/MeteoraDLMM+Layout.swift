import ArbMath
import SolanaPrimitives

/// Meteora DLMM (lb_clmm) layouts: MeteoraAg/dlmm-sdk @fb02e51a idls/dlmm.json (IDL 0.12.0), bytemuck `repr(C)`,
/// offsets include the 8-byte Anchor discriminator. Checked against Carbon's decode of a real LbPair in the tests.
public enum MeteoraDLMMLayout {
    public static let programId: Address = Address("LBUZKhRxPF3XUpBCjp4YzTKgLccjZhTSDM9YuVaPwxo")
    public static let lbPairSize = 904
    public static let binArraySize = 10136
    public static let binSize = 144
    public static let binsOffset = 56
    public static let lbPairDiscriminator: [UInt8] = [33, 11, 49, 98, 181, 101, 177, 13]
    public static let binArrayDiscriminator: [UInt8] = [92, 142, 92, 220, 5, 148, 70, 181]
    /// `BinArrayBitmapExtension`: disc ‖ lb_pair ‖ positive [[u64; 8]; 12] ‖ negative [[u64; 8]; 12].
    public static let bitmapExtensionDiscriminator: [UInt8] = [80, 111, 124, 113, 55, 237, 18, 5]
    public static let bitmapExtensionSize = 8 + 32 + 2 * 12 * 64

    /// Instruction discriminators (sha256("global:<name>")[0..8]).
    public static let swapDiscriminator: [UInt8] = [0xf8, 0xc6, 0x9e, 0x91, 0xe1, 0x75, 0x87, 0xc8]
    public static let swap2Discriminator: [UInt8] = [0x41, 0x4b, 0x3f, 0x4c, 0xeb, 0x5b, 0x5b, 0x88]
    public static let swapExactOutDiscriminator: [UInt8] = [0xfa, 0x49, 0x65, 0x21, 0x26, 0xcf, 0x4b, 0xb8]
    public static let swapExactOut2Discriminator: [UInt8] = [0x2b, 0xd7, 0xf7, 0x84, 0x89, 0x3c, 0xf3, 0x51]

    // LbPair: StaticParameters at 8
    public static let baseFactor = 8
    public static let filterPeriod = 10
    public static let decayPeriod = 12
    public static let reductionFactor = 14
    public static let variableFeeControl = 16
    public static let maxVolatilityAccumulator = 20
    public static let minBinId = 24
    public static let maxBinId = 28
    public static let protocolShare = 32
    public static let baseFeePowerFactor = 34
    public static let functionType = 35
    public static let collectFeeMode = 36
    // VariableParameters at 40
    public static let volatilityAccumulator = 40
    public static let volatilityReference = 44
    public static let indexReference = 48
    public static let lastUpdateTimestamp = 56
    public static let bumpSeed = 72
    public static let binStepSeed = 73
    public static let pairType = 75
    public static let activeId = 76
    public static let binStep = 80
    public static let status = 82
    public static let activationType = 86
    public static let tokenXMint = 88
    public static let tokenYMint = 120
    public static let reserveX = 152
    public static let reserveY = 184
    public static let protocolFeeX = 216
    public static let protocolFeeY = 224
    public static let rewardInfos = 264
    public static let rewardInfoSize = 144
    public static let oracle = 552
    public static let binArrayBitmap = 584
    public static let lastUpdatedAt = 712
    public static let baseKey = 784
    public static let activationPoint = 816
    public static let creator = 848
    public static let tokenMintXProgramFlag = 880
    public static let tokenMintYProgramFlag = 881
    public static let version = 882

    // Bin (144 B): first 48 bytes stable across IDL versions; limit-order fields only in BinArray.version ≥ 2.
    public static let binAmountX = 0
    public static let binAmountY = 8
    public static let binPrice = 16
    public static let binOpenOrderAmount = 112
    public static let binProcessedOrderRemaining = 128
    public static let binLimitOrderAskSide = 140

    /// First BinArray version with the IDL 0.12 bin layout (limit-order fields at 48…144).
    public static let limitOrderBinArrayVersion: UInt8 = 2

    static let binArraySeed = Array("bin_array".utf8)
    static let oracleSeed = Array("oracle".utf8)
    static let bitmapSeed = Array("bitmap".utf8)
    static let eventAuthoritySeed = Array("__event_authority".utf8)

    /// PDA of bin array `index` of `pair`: seeds ["bin_array", pair, index as i64 LE].
    public static func binArrayAddress(pair: Address, index: Int64) -> Address? {
        var le: [UInt8] = []
        withUnsafeBytes(of: index.littleEndian) { le.append(contentsOf: $0) }
        return VenuePDA.find(seeds: [binArraySeed, pair.bytes, le], program: programId)?.address
    }

    /// PDA of the pair's bitmap extension: seeds ["bitmap", pair].
    public static func bitmapExtensionAddress(pair: Address) -> Address? {
        VenuePDA.find(seeds: [bitmapSeed, pair.bytes], program: programId)?.address
    }

    /// Decodes a `BinArrayBitmapExtension` account, checking it belongs to `pair`.
    public static func decodeBitmapExtension(_ account: AccountData, pair: Address) throws(VenueError)
        -> DLMM.BitmapExtension
    {
        guard account.owner == programId else {
            throw VenueError(.wrongOwner, "DLMM bitmap extension \(account.address) owned by \(account.owner)")
        }
        let d = account.data
        guard d.count >= 8, Array(d[0..<8]) == bitmapExtensionDiscriminator else {
            throw VenueError(.wrongDiscriminator, "DLMM bitmap extension \(account.address): wrong discriminator")
        }
        guard d.count == bitmapExtensionSize else {
            throw VenueError(
                .wrongSize,
                "DLMM bitmap extension \(account.address): \(d.count) bytes, expected \(bitmapExtensionSize)")
        }
        let r = VenueBytes(d)
        guard r.address(8) == pair else {
            throw VenueError(
                .invalidState, "DLMM bitmap extension \(account.address) belongs to \(r.address(8)), not \(pair)")
        }
        return DLMM.BitmapExtension(
            positive: (0..<96).map { r.u64(40 + 8 * $0) }, negative: (0..<96).map { r.u64(40 + 768 + 8 * $0) })
    }

    public static let eventAuthority: Address? = VenuePDA.find(seeds: [eventAuthoritySeed], program: programId)?.address
}

/// One decoded DLMM BinArray (70 bins).
public struct MeteoraDLMMBinArray: Sendable, Hashable {
    public var address: Address
    public var index: Int64
    public var version: UInt8
    public var lbPair: Address
    public var bins: [DLMM.Bin]

    /// `withLimitOrders`: read the IDL 0.12 limit-order fields (only meaningful when `version >= 2`).
    public init(address: Address, data d: [UInt8]) throws(VenueError) {
        typealias L = MeteoraDLMMLayout
        guard d.count >= 8, Array(d[0..<8]) == L.binArrayDiscriminator else {
            throw VenueError(.wrongDiscriminator, "DLMM bin array \(address): not a BinArray")
        }
        guard d.count == L.binArraySize else {
            throw VenueError(
                d.count < L.binArraySize ? .truncated : .wrongSize,
                "DLMM bin array \(address): \(d.count) bytes, expected \(L.binArraySize)")
        }
        let r = VenueBytes(d)
        self.address = address
        index = r.i64(8)
        version = r.u8(16)
        lbPair = r.address(24)
        guard index >= Int64(DLMM.binArrayIndex(binId: DLMM.minBinId)),
            index <= Int64(DLMM.binArrayIndex(binId: DLMM.maxBinId))
        else { throw VenueError(.invalidState, "DLMM bin array \(address): index \(index) out of range") }
        let limitOrders = version >= L.limitOrderBinArrayVersion
        var bins: [DLMM.Bin] = []
        bins.reserveCapacity(Int(DLMM.maxBinPerArray))
        for i in 0..<Int(DLMM.maxBinPerArray) {
            let o = L.binsOffset + i * L.binSize
            bins.append(
                DLMM.Bin(
                    amountX: r.u64(o + L.binAmountX), amountY: r.u64(o + L.binAmountY), price: r.u128(o + L.binPrice),
                    openOrderAmount: limitOrders ? r.u64(o + L.binOpenOrderAmount) : 0,
                    processedOrderRemainingAmount: limitOrders ? r.u64(o + L.binProcessedOrderRemaining) : 0,
                    limitOrderAskSide: limitOrders ? r.u8(o + L.binLimitOrderAskSide) != 0 : false))
        }
        self.bins = bins
    }

    public init(account: AccountData) throws(VenueError) {
        guard account.owner == MeteoraDLMMLayout.programId else {
            throw VenueError(.wrongOwner, "DLMM bin array \(account.address) owned by \(account.owner)")
        }
        try self.init(address: account.address, data: account.data)
    }
}
