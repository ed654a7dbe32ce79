// libFuzzer target: SPL Token / Token-2022 mint and account decoders (TLV walk) and the dump parser.
import ArbVenues
import SolanaPrimitives

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenAccountDecoders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for owner in [ProgramIDs.token, ProgramIDs.token2022] {
        let account = AccountData(address: .zero, owner: owner, lamports: 0, data: bytes)
        if let m = try? MintAccount(account) { _ = try? m.transferFee(epoch: nil) }
        _ = try? VaultAccount(account)
    }
    _ = try? AccountDump.parse(bytes, fallbackAddress: .zero)
    return 0
}
