import ArbSBPF
import PropertyBased
import SolanaPrimitives
import Testing

@testable import ArbGuard

let token: Address = Address("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
let systemProgram: Address = Address("11111111111111111111111111111111")

func addr(_ n: Int) -> Address {
    var b = [UInt8](repeating: 0, count: 32)
    b[0] = UInt8(n & 0xff)
    b[1] = UInt8(n >> 8)
    b[31] = 7
    return try! Address(bytes: b)
}

func tokenData(amount: UInt64, length: Int = 165) -> [UInt8] {
    var d = [UInt8](repeating: 0, count: length)
    if length >= 72 { for k in 0..<8 { d[64 + k] = UInt8(truncatingIfNeeded: amount >> (8 * k)) } }
    if length > 108 { d[108] = 1 }
    return d
}

/// The loader's serialization of the input region (aligned ABI), as documented in docs/guard.md.
func serializeInput(_ accounts: [GuardAccountView], data: [UInt8], programId: Address) -> [UInt8] {
    var out: [UInt8] = []
    func u64(_ v: UInt64) { for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * k))) } }
    u64(UInt64(accounts.count))
    var firstIndex: [Address: Int] = [:]
    for (i, a) in accounts.enumerated() {
        if let j = firstIndex[a.address] {
            out.append(UInt8(j))
            out.append(contentsOf: [UInt8](repeating: 0, count: 7))
            continue
        }
        firstIndex[a.address] = i
        out.append(contentsOf: [0xff, 0, 0, 0, 0, 0, 0, 0])  // marker, signer, writable, executable, padding
        out.append(contentsOf: a.address.bytes)
        out.append(contentsOf: a.owner.bytes)
        u64(1_000_000)  // lamports
        u64(UInt64(a.data.count))
        out.append(contentsOf: a.data)
        out.append(contentsOf: [UInt8](repeating: 0, count: 10_240 + (8 - a.data.count % 8) % 8))
        u64(UInt64.max)  // rent epoch
    }
    u64(UInt64(data.count))
    out.append(contentsOf: data)
    out.append(contentsOf: programId.bytes)
    return out
}

func le(_ values: [UInt64]) -> [UInt8] {
    values.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
}

@Suite struct GuardProgramTests {
    let program = try! GuardProgram.assemble()

    func run(_ accounts: [GuardAccountView], _ data: [UInt8]) -> TestVM.Outcome {
        let input = serializeInput(accounts, data: data, programId: addr(999))
        return TestVM.run(text: program.text, entryPC: program.labels["entrypoint"]!, input: input)
    }

    func expectAgrees(_ accounts: [GuardAccountView], _ data: [UInt8], _ comment: Comment? = nil) {
        let model = GuardModel.evaluate(accounts: accounts, data: data)
        guard case .returned(let r0, _) = run(accounts, data) else {
            Issue.record("VM fault: \(run(accounts, data)) \(comment.map { "\($0)" } ?? "")")
            return
        }
        #expect(r0 == UInt64(model?.code ?? 0), comment)
    }

    @Test func tableOfCases() {
        let a = GuardAccountView(address: addr(1), owner: token, data: tokenData(amount: 1000))
        let b = GuardAccountView(address: addr(2), owner: token, data: tokenData(amount: 5))
        let cases: [([GuardAccountView], [UInt8], GuardABI.Failure?)] = [
            ([a], le([1000]), nil),
            ([a, b], le([0, 5]), nil),
            ([a], le([1001]), .insufficient(index: 0)),
            ([a, b], le([1, 6]), .insufficient(index: 1)),
            ([], [], .wrongAccountCount),
            ([a], le([1, 1]), .wrongAccountCount),
            ([a, b], le([1]), .wrongAccountCount),
            ([a], [1, 2, 3], .invalidInstructionData),
            ([a], [], .invalidInstructionData),
            (
                [a, GuardAccountView(address: addr(3), owner: systemProgram, data: tokenData(amount: 9))], le([1, 1]),
                .wrongOwner(index: 1)
            ),
            (
                [GuardAccountView(address: addr(3), owner: token, data: tokenData(amount: 9, length: 170))], le([1]),
                .wrongDataLength(index: 0)
            ),
            ([a, b, a], le([1, 1, 1]), .duplicateAccount(index: 2)),
        ]
        for (accounts, data, expected) in cases {
            #expect(GuardModel.evaluate(accounts: accounts, data: data) == expected)
            expectAgrees(accounts, data, "\(expected.map { "\($0)" } ?? "ok")")
        }
    }

    /// Property: on random inputs (counts, owners, lengths, duplicates, amounts, data lengths), the assembled
    /// program returns exactly the code the native model (used by the simulated cluster) predicts.
    @Test func programAgreesWithModel() async {
        await propertyCheck(count: iterations(1500), input: Gen.uint64()) { seed in
            var g = Rng(state: seed)
            let n = g.below(6)
            var accounts: [GuardAccountView] = []
            for i in 0..<n {
                if i > 0, g.below(8) == 0 {
                    accounts.append(accounts[g.below(i)])
                    continue
                }
                let owner = g.below(10) == 0 ? systemProgram : token
                let length = g.below(10) == 0 ? [0, 82, 164, 166, 200][g.below(5)] : 165
                accounts.append(
                    GuardAccountView(
                        address: addr(100 + i), owner: owner, data: tokenData(amount: g.amount(), length: length)))
            }
            var count = n
            if g.below(8) == 0 { count = g.below(4) }
            var data = le((0..<count).map { _ in g.amount() })
            if g.below(10) == 0 { data.append(contentsOf: [UInt8](repeating: 1, count: 1 + g.below(7))) }
            expectAgrees(accounts, data, "seed \(seed)")
        }
    }

    @Test func elfIsDeterministicAndDecodes() throws {
        let a = try GuardProgram.elf()
        let b = try GuardProgram.elf()
        #expect(a == b)
        #expect(try GuardProgram.elf(version: .v0) == GuardProgram.elf(version: .v0))
        #expect(a != (try GuardProgram.elf(version: .v0)))
        // the v3 text sits right after the 64-byte header and the one 56-byte program header
        #expect(Array(a[120..<120 + program.text.count]) == program.text)
    }

    @Test func costGrowsLinearlyWithAccounts() {
        // executed instructions = compute units in the runtime (1 CU per instruction); see docs/guard.md
        var costs: [Int] = []
        for n in 1...4 {
            let accounts = (0..<n).map { GuardAccountView(address: addr($0), owner: token, data: tokenData(amount: 1)) }
            guard case .returned(0, let executed) = run(accounts, le(Array(repeating: 1, count: n))) else {
                Issue.record("guard failed for \(n) accounts")
                return
            }
            costs.append(executed)
        }
        let steps = zip(costs.dropFirst(), costs).map { $0 - $1 }
        #expect(Set(steps).count == 1, "per-account cost is constant: \(costs)")
    }
}

struct Rng {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    /// Amounts clustered around a few values so equal/adjacent comparisons happen often, plus the extremes.
    mutating func amount() -> UInt64 {
        switch below(4) {
        case 0: UInt64(below(4))
        case 1: [0, 1, UInt64.max - 1, UInt64.max][below(4)]
        default: 1000 + UInt64(below(3))
        }
    }
}
