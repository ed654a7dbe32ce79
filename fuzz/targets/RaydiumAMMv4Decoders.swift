// libFuzzer target: Raydium AMM v4 AmmInfo / OpenBook market / SPL token account decoders and the quote on
// arbitrary bytes. Must never trap; only typed errors.
import ArbVenues
import SolanaPrimitives

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRaydiumAMMv4Decoders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let pool = AccountData(address: .zero, owner: RaydiumAMMv4Layout.programId, lamports: 0, data: bytes)
    // The first 752 bytes as AmmInfo (so the fuzzer reaches the field checks), the rest as vault amounts.
    let head = Array(bytes.prefix(RaydiumAMMv4Layout.size))
    if var v = try? RaydiumAMMv4Pool(address: .zero, data: head) {
        var amounts = bytes.dropFirst(RaydiumAMMv4Layout.size).makeIterator()
        func next64() -> UInt64 {
            var x: UInt64 = 0
            for i in 0..<8 { x |= UInt64(amounts.next() ?? 0) << (8 * UInt64(i)) }
            return x
        }
        v.coinVaultAmount = next64()
        v.pcVaultAmount = next64()
        let amount = next64()
        for dir in SwapDirection.allCases {
            _ = try? v.quote(QuoteRequest(amount: amount, direction: dir))
            _ = try? v.quote(QuoteRequest(amount: amount, direction: dir, exactIn: false))
            _ = try? v.quote(QuoteRequest(amount: amount, direction: dir), now: Int64(bitPattern: amount))
        }
        v.ceilDivVersion = .legacySplTokenSwap
        _ = try? v.quote(QuoteRequest(amount: amount, direction: .aToB))
        _ = try? v.swapInstructions(
            SwapParams(
                direction: .aToB, amountIn: amount, amountOut: 1, owner: .zero, userSource: .zero,
                userDestination: .zero))
    }
    _ = try? RaydiumAMMv4Pool(pool: pool)
    _ = try? SerumMarket(account: pool)
    _ = try? TokenAccountInfo(data: bytes, address: .zero)
    _ = try? MintInfo(account: AccountData(address: .zero, owner: VenueProgramIDs.token2022, lamports: 0, data: bytes))
    _ = try? VenueRegistry.decode(pool)
    return 0
}
