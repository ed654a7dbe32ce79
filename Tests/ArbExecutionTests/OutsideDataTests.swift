import ArbRPC
import SolanaPrimitives
import Testing

@testable import ArbExecution

/// Answers from an RPC node are outside input: a malformed or hostile answer must never trap the bot.
@Suite struct OutsideDataTests {
    static let owner = try! Address(bytes: [UInt8](repeating: 7, count: 32))
    static let mint = try! Address(bytes: [UInt8](repeating: 8, count: 32))

    static func balance(index: String, amount: UInt64) -> JSONValue {
        .object([
            "accountIndex": .number(index), "mint": .string(mint.base58), "owner": .string(owner.base58),
            "uiTokenAmount": .object(["amount": .string(String(amount))]),
        ])
    }

    static func meta(pre: [JSONValue], post: [JSONValue]) -> JSONValue {
        .object([
            "meta": .object([
                "fee": .uint(5_000), "preBalances": .array([.uint(10)]), "postBalances": .array([.uint(9)]),
                "preTokenBalances": .array(pre), "postTokenBalances": .array(post),
            ])
        ])
    }

    @Test func anAccountIndexBeyondIntIsDroppedNotTrapped() throws {
        let m = try #require(
            Sender.decodeMeta(
                Self.meta(
                    pre: [Self.balance(index: "18446744073709551615", amount: 5), Self.balance(index: "1", amount: 5)],
                    post: [Self.balance(index: "1", amount: 9)])))
        #expect(m.preTokenBalances.map(\.accountIndex) == [1])
        #expect(m.tokenDelta(owner: Self.owner, mint: Self.mint) == 4)
    }

    @Test func aTokenTotalOverflowingU64IsUnknownNotWrapped() throws {
        // Two accounts whose amounts sum past u64: with wrapping addition the "delta" would look like a gain.
        let m = try #require(
            Sender.decodeMeta(
                Self.meta(
                    pre: [Self.balance(index: "1", amount: .max), Self.balance(index: "2", amount: 2)],
                    post: [Self.balance(index: "1", amount: 0)])))
        #expect(m.tokenDelta(owner: Self.owner, mint: Self.mint) == nil)
    }
}
