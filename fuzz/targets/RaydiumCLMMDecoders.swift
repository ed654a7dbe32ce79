// libFuzzer target: every Raydium CLMM decoder on arbitrary bytes. Must never trap; only typed errors.
import ArbVenues
import SolanaPrimitives

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRaydiumCLMMDecoders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let selector = bytes.first, bytes.count > 8 {
        let discs = [
            RaydiumCLMMLayout.poolStateDiscriminator, RaydiumCLMMLayout.ammConfigDiscriminator,
            RaydiumCLMMLayout.tickArrayDiscriminator, RaydiumCLMMLayout.bitmapExtensionDiscriminator,
        ]
        if Int(selector) < discs.count { bytes.replaceSubrange(0..<8, with: discs[Int(selector)]) }
    }
    let account = AccountData(address: .zero, owner: RaydiumCLMMLayout.programId, lamports: 0, data: bytes)
    if let v = try? RaydiumCLMMVenue(pool: account) {
        _ = v.state.price
        _ = v.neighbourhoodStarts()
    }
    _ = try? ClmmAmmConfig(account)
    _ = try? RaydiumCLMMLayout.decodeTickArray(account, pool: nil)
    _ = try? RaydiumCLMMLayout.decodeBitmapExtension(account, pool: nil)
    _ = try? VenueRegistry.decode(account)
    return 0
}
