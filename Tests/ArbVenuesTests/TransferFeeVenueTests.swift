import ArbMath
import ArbTestSupport
import ArbVenues
import Foundation
import SolanaPrimitives
import Testing

/// Token-2022 transfer fees are accounted for (or the pool is refused), never ignored: the real SOL/USDC
/// whirlpool with token A re-pointed at a Token-2022 mint carrying a TransferFeeConfig.
@Suite(.enabled(if: Fixtures.root != nil, Comment(rawValue: Fixtures.skipMessage)))
struct TransferFeeVenueTests {
    static let feeMint = Address("FeeMint111111111111111111111111111111111111")

    static func put<T: FixedWidthInteger>(_ v: T, into d: inout [UInt8], at o: Int) {
        withUnsafeBytes(of: v.littleEndian) { for (i, b) in $0.enumerated() { d[o + i] = b } }
    }

    /// A Token-2022 mint: base mint, padding to 165, AccountType 1, TLV TransferFeeConfig (+ optional hook).
    static func mint2022(older: TransferFee, newer: TransferFee, hook: Bool = false) -> AccountData {
        var d = [UInt8](repeating: 0, count: 166)
        d[44] = 6
        d[45] = 1
        d[165] = 1
        var tlv = [UInt8](repeating: 0, count: 4 + 108)
        put(UInt16(1), into: &tlv, at: 0)
        put(UInt16(108), into: &tlv, at: 2)
        for (o, f) in [(72, older), (90, newer)] {
            put(f.epoch, into: &tlv, at: 4 + o)
            put(f.maximumFee, into: &tlv, at: 4 + o + 8)
            put(f.basisPoints, into: &tlv, at: 4 + o + 16)
        }
        d += tlv
        if hook {
            var h = [UInt8](repeating: 0, count: 4 + 64)
            put(UInt16(14), into: &h, at: 0)
            put(UInt16(64), into: &h, at: 2)
            h[4 + 32] = 9  // non-zero hook program id
            d += h
        }
        return AccountData(address: feeMint, owner: ProgramIDs.token2022, lamports: 0, data: d)
    }

    /// (classic venue, Token-2022 venue, accounts of the latter)
    static func venues(_ mint: AccountData) throws -> (WhirlpoolVenue, WhirlpoolVenue, [Address: AccountData]) {
        let (classic, all) = try WhirlpoolQuoteTests.venue()
        var pool = try #require(all[WhirlpoolQuoteTests.pool])
        pool.data.replaceSubrange(101..<133, with: feeMint.bytes)
        var accounts = all
        accounts[pool.address] = pool
        var vault = try #require(all[classic.state.tokenVaultA])
        vault.owner = ProgramIDs.token2022
        vault.data.replaceSubrange(0..<32, with: feeMint.bytes)
        accounts[vault.address] = vault
        accounts[feeMint] = mint
        var v = try WhirlpoolVenue(pool: pool)
        try v.update(from: accounts)
        return (classic, v, accounts)
    }

    @Test func feeIsAccountedOnInputAndOutput() throws {
        let fee = TransferFee(epoch: 0, maximumFee: 5_000_000, basisPoints: 100)
        let (classic, v, _) = try Self.venues(Self.mint2022(older: fee, newer: fee))
        // Input side: the pool receives amount − fee.
        let x: UInt64 = 1_000_000_000
        let q = try v.quote(QuoteRequest(amount: x, direction: .aToB))
        let net = x - fee.calculateFee(x)!
        #expect(q.amountIn == x)
        #expect(q.amountOut == (try classic.quote(QuoteRequest(amount: net, direction: .aToB))).amountOut)
        #expect(q.amountOut < (try classic.quote(QuoteRequest(amount: x, direction: .aToB))).amountOut)
        // Output side: the user receives the pool's output minus the fee withheld.
        let y: UInt64 = 10_000_000
        let gross = try classic.quote(QuoteRequest(amount: y, direction: .bToA)).amountOut
        #expect(try v.quote(QuoteRequest(amount: y, direction: .bToA)).amountOut == gross - fee.calculateFee(gross)!)
        // Exact out: ask for 1,000,000 net of the fee token.
        let want: UInt64 = 1_000_000
        let eo = try v.quote(QuoteRequest(amount: want, direction: .bToA, exactIn: false))
        #expect(eo.amountOut == want)
        let classicEo = try classic.quote(
            QuoteRequest(amount: fee.calculatePreFeeAmount(want)!, direction: .bToA, exactIn: false))
        #expect(eo.amountIn == classicEo.amountIn)
        // Token-2022 side → swap_v2 with both token programs.
        let ix = try #require(
            try v.swapInstructions(
                SwapParams(
                    direction: .aToB, amountIn: x, amountOut: q.amountOut, owner: .zero, userSource: .zero,
                    userDestination: .zero)
            ).first)
        #expect(ix.accounts.count == 15)
        #expect(ix.data.prefix(8).elementsEqual(WhirlpoolLayout.swapV2Discriminator))
        #expect(ix.accounts[0].address == ProgramIDs.token2022 && ix.accounts[1].address == ProgramIDs.token)
    }

    @Test func scheduleChangeNeedsTheEpoch() throws {
        let older = TransferFee(epoch: 0, maximumFee: .max, basisPoints: 100)
        let newer = TransferFee(epoch: 500, maximumFee: .max, basisPoints: 200)
        var (_, v, accounts) = try Self.venues(Self.mint2022(older: older, newer: newer))
        #expect(v.accountsToUpdate().contains(SysvarIDs.clock))
        #expect { try v.quote(QuoteRequest(amount: 1_000_000, direction: .aToB)) } throws: {
            ($0 as? VenueError)?.code == .transferFeeUnsupported
        }
        var clock = [UInt8](repeating: 0, count: 40)
        Self.put(UInt64(600), into: &clock, at: 16)
        accounts[SysvarIDs.clock] = AccountData(
            address: SysvarIDs.clock, owner: Address("Sysvar1111111111111111111111111111111111111"), lamports: 0,
            data: clock)
        try v.update(from: accounts)
        let withNewer = try v.quote(QuoteRequest(amount: 1_000_000, direction: .aToB))
        let (classic, _, _) = try Self.venues(Self.mint2022(older: older, newer: newer))
        #expect(
            withNewer.amountOut
                == (try classic.quote(QuoteRequest(amount: 1_000_000 - 20_000, direction: .aToB))).amountOut)
    }

    @Test func transferHookIsRefusedAndMissingMintIsNotAssumedFeeless() throws {
        let fee = TransferFee(epoch: 0, maximumFee: 0, basisPoints: 0)
        let (_, hooked, _) = try Self.venues(Self.mint2022(older: fee, newer: fee, hook: true))
        #expect { try hooked.quote(QuoteRequest(amount: 1_000, direction: .aToB)) } throws: {
            ($0 as? VenueError)?.code == .unsupported
        }
        var (_, v, accounts) = try Self.venues(Self.mint2022(older: fee, newer: fee))
        accounts[Self.feeMint] = nil
        v = try WhirlpoolVenue(pool: try #require(accounts[v.address]))
        try v.update(from: accounts)
        #expect { try v.quote(QuoteRequest(amount: 1_000, direction: .aToB)) } throws: {
            ($0 as? VenueError)?.code == .missingAccount
        }
    }

    /// The real PYUSD mint decodes with its TransferFeeConfig.
    @Test func realToken2022Mint() throws {
        let acc = try #require(
            try fixtureAccount(
                "mainnet/spl-token/whirlpool-essentials/token_2022_pyusd.2b1kV6DkPAnxd5ixfnxCpjxmKwqjjaYmCZfHsFu24GXo.json"
            ))
        let m = try MintAccount(acc)
        #expect(m.tokenProgram == ProgramIDs.token2022 && m.decimals == 6)
        #expect(m.transferFeeConfig != nil)
        #expect(!m.hasTransferHook)
        let usdc = try #require(
            try fixtureAccount(
                "mainnet/spl-token/whirlpool-essentials/token_usdc.EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v.json"))
        let u = try MintAccount(usdc)
        #expect(u.transferFeeConfig == nil && u.decimals == 6)
        let ata = try #require(
            try fixtureAccount(
                "mainnet/spl-token/whirlpool-essentials/user_ata_2022_pyusd.2A7Cc48jwWWoixM5CWquQKEqk9KNQvY2Xw3WJbBRc6Ei.json"
            ))
        let t = try VaultAccount(ata)
        #expect(
            t.amount == 849_007 && t.mint == acc.address
                && t.owner == Address("r21Gamwd9DtyjHeGywsneoQYR39C1VDwrw7tWxHAwh6"))
    }
}

/// fixtures/vectors/spl-token.json `account_decode`: real mints and token accounts (SPL Token and Token-2022).
@Suite(.enabled(if: Fixtures.root != nil, Comment(rawValue: Fixtures.skipMessage)))
struct TokenAccountVectorTests {
    @Test func accountDecodeVectors() throws {
        let cases = try VectorJSON.cases("spl-token.json", "account_decode")
        #expect(cases.count == 4)
        for c in cases {
            let path = try #require(c["fixture"] as? String)
            let e = try #require(c["expected"] as? [String: Any])
            let acc = try #require(try fixtureAccount(path))
            #expect(acc.owner == VectorJSON.addr(e["owner_program"]))
            func optAddr(_ v: Any?) -> Address? { v is NSNull || v == nil ? nil : VectorJSON.addr(v) }
            if e["supply"] != nil {
                let m = try MintAccount(acc)
                #expect(m.mintAuthority == optAddr(e["mint_authority"]))
                #expect(UInt128(m.supply) == VectorJSON.u128(e["supply"]))
                #expect(m.decimals == UInt8(VectorJSON.i64(e["decimals"])))
                #expect(m.freezeAuthority == optAddr(e["freeze_authority"]))
                #expect(m.tlv.count == Int(VectorJSON.i64(e["tlv_len"])))
                if let h = e["tlv_first4_hex"] as? String { #expect(Array(m.tlv.prefix(4)) == VectorJSON.hexBytes(h)) }
            } else {
                let t = try VaultAccount(acc)
                #expect(t.mint == VectorJSON.addr(e["mint"]) && t.owner == VectorJSON.addr(e["owner"]))
                #expect(UInt128(t.amount) == VectorJSON.u128(e["amount"]))
                #expect(t.delegate == optAddr(e["delegate"]))
                #expect((t.isNative != nil) == (e["is_native"] as? Bool ?? true))
                #expect(UInt128(t.delegatedAmount) == VectorJSON.u128(e["delegated_amount"]))
                #expect(t.closeAuthority == optAddr(e["close_authority"]))
                #expect(t.tlv.count == Int(VectorJSON.i64(e["tlv_len"])))
                if let h = e["tlv_first8_hex"] as? String { #expect(Array(t.tlv.prefix(8)) == VectorJSON.hexBytes(h)) }
            }
        }
    }
}
