import Testing

@testable import SolanaPrimitives

@Suite struct Base58Tests {
    @Test func roundTripsKnownAddress() throws {
        let a = try Address(base58: "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
        #expect(a.base58 == "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
        #expect(Address.zero.base58 == "11111111111111111111111111111111")
    }

    @Test func rejectsBadCharacterWithPosition() {
        #expect {
            try Address(base58: "Tokenkeg0feZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
        } throws: { error in
            guard let e = error as? PrimitivesError else { return false }
            return e.code == .invalidBase58Character && e.detail.contains("'0'") && e.detail.contains("position 8")
        }
    }

    @Test func rejectsWrongLength() {
        #expect(throws: PrimitivesError.self) { try Address(base58: "abc") }
    }
}
