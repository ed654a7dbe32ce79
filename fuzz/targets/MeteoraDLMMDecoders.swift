// libFuzzer target: Meteora DLMM LbPair / BinArray decoders and the bin-traversal quote on arbitrary bytes.
// Layout of the input: [LbPair 904 bytes][BinArray 10136 bytes][u64 amount] — shorter inputs exercise the
// size / discriminator errors.
import ArbMath
import ArbVenues
import SolanaPrimitives

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMeteoraDLMMDecoders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    typealias L = MeteoraDLMMLayout
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if bytes.count >= 8, bytes[0] & 1 == 1 { bytes.replaceSubrange(0..<8, with: L.lbPairDiscriminator) }
    if bytes.count >= L.lbPairSize + 8 {
        bytes.replaceSubrange(L.lbPairSize..<L.lbPairSize + 8, with: L.binArrayDiscriminator)
    }
    let pairBytes = Array(bytes.prefix(L.lbPairSize))
    let arrayBytes = Array(bytes.dropFirst(L.lbPairSize).prefix(L.binArraySize))
    var amount: UInt64 = 0
    for (i, b) in bytes.dropFirst(L.lbPairSize + L.binArraySize).prefix(8).enumerated() {
        amount |= UInt64(b) << (8 * UInt64(i))
    }

    _ = try? MeteoraDLMMPair(pool: AccountData(address: .zero, owner: L.programId, lamports: 0, data: bytes))
    _ = try? MeteoraDLMMBinArray(address: .zero, data: bytes)
    var extBytes = bytes
    if extBytes.count >= 8 { extBytes.replaceSubrange(0..<8, with: L.bitmapExtensionDiscriminator) }
    let ext = try? L.decodeBitmapExtension(
        AccountData(
            address: .zero, owner: L.programId, lamports: 0, data: Array(extBytes.prefix(L.bitmapExtensionSize))),
        pair: Address(raw: .zero))
    guard var pair = try? MeteoraDLMMPair(address: .zero, data: pairBytes) else { return 0 }
    pair.bitmapExtension = ext.map { .present($0) } ?? .absent
    if var array = try? MeteoraDLMMBinArray(address: .zero, data: arrayBytes) {
        array.lbPair = .zero
        // Place the array where the active bin is, so the walk actually crosses its bins.
        array.index = Int64(DLMM.binArrayIndex(binId: pair.activeId))
        try? pair.insert(array)
    }
    pair.clock = ClockSysvar(slot: amount, epoch: 0, unixTimestamp: Int64(bitPattern: amount))
    for dir in SwapDirection.allCases {
        _ = try? pair.quote(QuoteRequest(amount: amount, direction: dir))
        _ = try? pair.quote(QuoteRequest(amount: amount, direction: dir, exactIn: false))
    }
    _ = pair.accountsToUpdate()
    _ = try? pair.swapInstructions(
        SwapParams(
            direction: .aToB, amountIn: amount, amountOut: 0, owner: .zero, userSource: .zero, userDestination: .zero))
    return 0
}
