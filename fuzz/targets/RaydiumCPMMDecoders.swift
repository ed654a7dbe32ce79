// libFuzzer target: Raydium CPMM PoolState / AmmConfig decoders and the quote on arbitrary bytes.
import ArbVenues
import SolanaPrimitives

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRaydiumCPMMDecoders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Byte 0 (when set) splices the pool / config discriminator in so the fuzzer reaches the field decode.
    if let selector = bytes.first, bytes.count > 8 {
        if selector & 1 == 1 { bytes.replaceSubrange(0..<8, with: RaydiumCPMMLayout.poolDiscriminator) }
        if selector & 2 == 2, bytes.count > RaydiumCPMMLayout.poolSize + 8 {
            bytes.replaceSubrange(
                RaydiumCPMMLayout.poolSize..<RaydiumCPMMLayout.poolSize + 8, with: RaydiumCPMMLayout.configDiscriminator
            )
        }
    }
    let program = RaydiumCPMMLayout.programId
    let poolBytes = Array(bytes.prefix(RaydiumCPMMLayout.poolSize))
    let cfgBytes = Array(bytes.dropFirst(RaydiumCPMMLayout.poolSize).prefix(RaydiumCPMMLayout.configSize))
    let tail = Array(bytes.dropFirst(RaydiumCPMMLayout.poolSize + RaydiumCPMMLayout.configSize))
    _ = try? RaydiumCPMMPool(pool: AccountData(address: .zero, owner: program, lamports: 0, data: bytes))
    let cfg = try? RaydiumCPMMConfig(account: AccountData(address: .zero, owner: program, lamports: 0, data: cfgBytes))
    if var v = try? RaydiumCPMMPool(address: .zero, data: poolBytes) {
        var it = tail.makeIterator()
        func next64() -> UInt64 {
            var x: UInt64 = 0
            for i in 0..<8 { x |= UInt64(it.next() ?? 0) << (8 * UInt64(i)) }
            return x
        }
        v.config = cfg
        v.vault0Amount = next64()
        v.vault1Amount = next64()
        let amount = next64()
        for dir in SwapDirection.allCases {
            _ = try? v.quote(QuoteRequest(amount: amount, direction: dir))
            _ = try? v.quote(QuoteRequest(amount: amount, direction: dir, exactIn: false))
        }
        _ = try? v.swapInstructions(
            SwapParams(
                direction: .bToA, amountIn: amount, amountOut: 1, owner: .zero, userSource: .zero,
                userDestination: .zero))
    }
    return 0
}
