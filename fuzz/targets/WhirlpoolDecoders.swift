// libFuzzer target: every Whirlpool decoder on arbitrary bytes. Must never trap; only typed errors.
import ArbVenues
import SolanaPrimitives

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWhirlpoolDecoders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Let the fuzzer reach past the discriminator checks: byte 0 picks a real discriminator to splice in.
    if let selector = bytes.first, bytes.count > 8 {
        let discs = [
            WhirlpoolLayout.whirlpoolDiscriminator, WhirlpoolLayout.fixedTickArrayDiscriminator,
            WhirlpoolLayout.dynamicTickArrayDiscriminator, WhirlpoolOracle.discriminator,
        ]
        if Int(selector) < discs.count { bytes.replaceSubrange(0..<8, with: discs[Int(selector)]) }
    }
    let account = AccountData(address: .zero, owner: WhirlpoolLayout.programId, lamports: 0, data: bytes)
    if let v = try? WhirlpoolVenue(pool: account) {
        _ = v.state.isAdaptiveFee
        _ = try? v.quote(QuoteRequest(amount: 1_000, direction: .aToB))
    }
    if let ta = try? WhirlpoolLayout.decodeTickArray(account, whirlpool: nil) {
        precondition(ta.ticks.count == 88)
    }
    _ = try? WhirlpoolsConfig(account)
    _ = try? WhirlpoolFeeTier(account)
    _ = try? WhirlpoolOracle(account)
    _ = try? VenueRegistry.decode(account)
    return 0
}
