import Crypto

/// Program-derived addresses, as `Pubkey::create_program_address` / `find_program_address`.
public enum ProgramDerivedAddress {
    public static let maxSeeds = 16
    public static let maxSeedLength = 32
    static let marker = Array("ProgramDerivedAddress".utf8)

    /// sha256(seeds ‖ program id ‖ "ProgramDerivedAddress"); an address on the Ed25519 curve is rejected
    /// (`invalidSeeds`), because a PDA must have no private key.
    public static func create(seeds: [[UInt8]], programId: Address) throws(PrimitivesError) -> Address {
        guard seeds.count <= maxSeeds else {
            throw PrimitivesError(.tooManySeeds, "\(seeds.count) seeds (max \(maxSeeds))")
        }
        for (i, s) in seeds.enumerated() where s.count > maxSeedLength {
            throw PrimitivesError(.maxSeedLengthExceeded, "seed \(i) is \(s.count) bytes (max \(maxSeedLength))")
        }
        var h = SHA256()
        for s in seeds { h.update(data: s) }
        programId.raw.withBytes { h.update(bufferPointer: $0) }
        h.update(data: marker)
        let digest = h.finalize()
        let raw = digest.withUnsafeBytes { Bytes32(unchecked: $0, at: 0) }
        guard !raw.isOnEd25519Curve else {
            throw PrimitivesError(.invalidSeeds, "seeds derive a point on the Ed25519 curve")
        }
        return Address(raw: raw)
    }

    /// The first bump from 255 down to 0 whose address is off the curve.
    public static func find(seeds: [[UInt8]], programId: Address) throws(PrimitivesError) -> (
        address: Address, bump: UInt8
    ) {
        guard seeds.count < maxSeeds else {
            throw PrimitivesError(
                .tooManySeeds, "\(seeds.count) seeds leave no room for the bump (max \(maxSeeds - 1))")
        }
        var withBump = seeds
        withBump.append([0])
        for bump in stride(from: 255, through: 0, by: -1) {
            withBump[withBump.count - 1][0] = UInt8(bump)
            do {
                return (try create(seeds: withBump, programId: programId), UInt8(bump))
            } catch  where error.code == .invalidSeeds {
                continue
            }
        }
        throw PrimitivesError(.noViableBump, "no bump seed gives an off-curve address")
    }
}

extension Address {
    /// Whether this address is an Ed25519 public key (on the curve) rather than a PDA.
    public var isOnCurve: Bool { raw.isOnEd25519Curve }
}

/// Associated token accounts (spl-associated-token-account): PDA of [wallet, token program, mint].
public enum AssociatedTokenAccount {
    public static func address(wallet: Address, mint: Address, tokenProgram: Address = ProgramIDs.token) -> Address {
        // Three 32-byte seeds are always valid, and some bump gives an off-curve address except with
        // probability 2^-256.
        try! ProgramDerivedAddress.find(
            seeds: [wallet.bytes, tokenProgram.bytes, mint.bytes], programId: ProgramIDs.associatedToken
        ).address
    }
}
