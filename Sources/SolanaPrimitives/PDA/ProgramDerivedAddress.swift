import Crypto
import Synchronization

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
        // The search costs up to 256 hashes and curve checks (~10–20 µs in release, far more in debug); venues
        // re-derive tick/bin array and token account addresses on every update, so results are memoized. The
        // memo is a pure function's cache: same seeds and program → same answer, so it never changes a result.
        // Only valid seed lists are memoized (each ≤ 32 bytes), so the length-prefixed key is unambiguous and an
        // invalid input always reaches `create` and its typed error.
        let key =
            seeds.allSatisfy { $0.count <= maxSeedLength } ? FindMemo.key(seeds: seeds, programId: programId) : nil
        if let key, let hit = FindMemo.lookup(key) { return hit }
        var withBump = seeds
        withBump.append([0])
        for bump in stride(from: 255, through: 0, by: -1) {
            withBump[withBump.count - 1][0] = UInt8(bump)
            do {
                let found = (address: try create(seeds: withBump, programId: programId), bump: UInt8(bump))
                if let key { FindMemo.store(key, found) }
                return found
            } catch  where error.code == .invalidSeeds {
                continue
            }
        }
        throw PrimitivesError(.noViableBump, "no bump seed gives an off-curve address")
    }
}

/// Bounded, thread-safe memo of `find` results (cleared when full; a miss only costs the search again).
enum FindMemo {
    static let capacity = 16_384
    static let table = Mutex<[[UInt8]: (address: Address, bump: UInt8)]>([:])

    /// Length-prefixed seeds then the program id: distinct inputs never share a key.
    static func key(seeds: [[UInt8]], programId: Address) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(seeds.reduce(32) { $0 + $1.count + 1 })
        for s in seeds {
            key.append(UInt8(s.count))  // ≤ 32, checked by the caller
            key.append(contentsOf: s)
        }
        key.append(contentsOf: programId.bytes)
        return key
    }

    static func lookup(_ key: [UInt8]) -> (address: Address, bump: UInt8)? { table.withLock { $0[key] } }

    static func store(_ key: [UInt8], _ value: (address: Address, bump: UInt8)) {
        table.withLock { t in
            if t.count >= capacity { t.removeAll(keepingCapacity: true) }
            t[key] = value
        }
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
