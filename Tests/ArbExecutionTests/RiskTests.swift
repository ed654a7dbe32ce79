import ArbExecution
import Foundation
import SolanaKeys
import SolanaPrimitives
import Testing

@Suite struct RiskTests {
    let mint = X.key(10).address
    let day: Int64 = 86_400_000

    func manager() -> RiskManager {
        var c = RiskConfig()
        c.maxNotional = [mint: 1_000_000]
        c.dailyLossLimitLamports = 50_000
        c.maxConsecutiveFailures = 3
        c.coolDownMilliseconds = 10_000
        return RiskManager(config: c)
    }

    func blocked(_ r: Result<RiskClearance, RiskBlock>) -> String? {
        if case .failure(let b) = r { return b.label }
        return nil
    }

    @Test func notionalCap() {
        var m = manager()
        #expect(
            blocked(m.check(baseMint: mint, notional: 1_000_000, nowMilliseconds: 0, killSwitchEngaged: false)) == nil)
        #expect(
            blocked(m.check(baseMint: mint, notional: 1_000_001, nowMilliseconds: 0, killSwitchEngaged: false))
                == "notional_cap")
    }

    @Test func dailyLossLimitHaltsUntilTheNextUTCDay() {
        var m = manager()
        let t = 10 * day + 1_000
        m.record(success: true, pnlLamports: -30_000, nowMilliseconds: t)
        #expect(blocked(m.check(baseMint: mint, notional: 1, nowMilliseconds: t, killSwitchEngaged: false)) == nil)
        m.record(success: true, pnlLamports: -20_000, nowMilliseconds: t + 1)
        #expect(
            blocked(m.check(baseMint: mint, notional: 1, nowMilliseconds: t + 2, killSwitchEngaged: false))
                == "daily_loss_limit")
        // Next UTC day: the counter resets.
        #expect(
            blocked(m.check(baseMint: mint, notional: 1, nowMilliseconds: 11 * day, killSwitchEngaged: false)) == nil)
    }

    @Test func circuitBreakerOpensAfterConsecutiveFailuresAndCoolsDown() {
        var m = manager()
        m.record(success: false, pnlLamports: -5_000, nowMilliseconds: 0)
        m.record(success: false, pnlLamports: -5_000, nowMilliseconds: 1)
        m.record(success: true, pnlLamports: 100, nowMilliseconds: 2)  // a success resets the streak
        m.record(success: false, pnlLamports: -5_000, nowMilliseconds: 3)
        m.record(success: false, pnlLamports: -5_000, nowMilliseconds: 4)
        #expect(blocked(m.check(baseMint: mint, notional: 1, nowMilliseconds: 5, killSwitchEngaged: false)) == nil)
        m.record(success: false, pnlLamports: -5_000, nowMilliseconds: 6)
        #expect(
            blocked(m.check(baseMint: mint, notional: 1, nowMilliseconds: 7, killSwitchEngaged: false))
                == "circuit_open")
        #expect(
            blocked(m.check(baseMint: mint, notional: 1, nowMilliseconds: 10_005, killSwitchEngaged: false))
                == "circuit_open")
        #expect(blocked(m.check(baseMint: mint, notional: 1, nowMilliseconds: 10_006, killSwitchEngaged: false)) == nil)
        #expect(m.consecutiveFailures == 0)
    }

    @Test func killSwitchByFlagAndByFile() throws {
        var m = manager()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("solarb-kill-\(UUID().uuidString)")
            .path
        let k = KillSwitch(path: path)
        #expect(!k.isEngaged)
        k.engage()
        #expect(
            blocked(m.check(baseMint: mint, notional: 1, nowMilliseconds: 0, killSwitchEngaged: k.isEngaged))
                == "kill_switch")
        k.release()
        #expect(!k.isEngaged)
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(k.isEngaged)
        #expect(
            blocked(m.check(baseMint: mint, notional: 1, nowMilliseconds: 0, killSwitchEngaged: k.isEngaged))
                == "kill_switch")
    }

    @Test func reconciliationMismatchHaltsUntilResumed() {
        var m = manager()
        let acct = X.key(20).address
        #expect(m.reconcile(expected: [acct: 100], actual: [acct: 100]).isEmpty)
        let mismatches = m.reconcile(expected: [acct: 100], actual: [acct: 90])
        #expect(mismatches == [RiskManager.Mismatch(account: acct, expected: 100, actual: 90)])
        #expect(blocked(m.check(baseMint: mint, notional: 1, nowMilliseconds: 0, killSwitchEngaged: false)) == "halted")
        m.resume()
        #expect(blocked(m.check(baseMint: mint, notional: 1, nowMilliseconds: 0, killSwitchEngaged: false)) == nil)
    }

    /// Every limit blocks BEFORE signing: the only way to a signed transaction is a clearance, and a blocked check
    /// gives none; a clearance for another trade is refused by `sign`.
    @Test func eachLimitBlocksBeforeSigning() throws {
        let market = Market.make(legs: 2, rates: [(101, 100), (101, 100)])
        let assembler = TransactionAssembler(config: AssemblyConfig(guardProgram: X.guardProgram))
        let blockhash = Hash(raw: try Bytes32(bytes: [UInt8](repeating: 5, count: 32)))
        let opp = market.opportunity(amountIn: 1_000_000)
        let tx = try assembler.assemble(
            AssemblyInput(
                opportunity: opp, venues: market.venueMap, payer: market.wallet.address, blockhash: blockhash,
                lastValidBlockHeight: 300, balances: [market.baseMint: 5_000_000]))
        var config = RiskConfig()
        config.maxNotional = [market.baseMint: 999_999]
        var m = RiskManager(config: config)
        var signed = 0
        func attempt(kill: Bool, now: Int64) {
            do {
                let c = try m.clear(
                    baseMint: market.baseMint, notional: tx.amountIn, nowMilliseconds: now, killSwitchEngaged: kill)
                _ = try assembler.sign(tx, clearance: c, payer: market.wallet, otherSigners: [market.poolAuthority])
                signed += 1
            } catch {
                #expect(error.code == .riskBlocked)
            }
        }
        attempt(kill: false, now: 0)  // notional cap
        config.maxNotional = [:]
        m.config = config
        attempt(kill: true, now: 0)  // kill switch
        m.config.dailyLossLimitLamports = 10
        m.record(success: true, pnlLamports: -10, nowMilliseconds: 0)
        attempt(kill: false, now: 0)  // daily loss
        m.config.dailyLossLimitLamports = 1_000_000
        m.config.maxConsecutiveFailures = 1
        m.record(success: false, pnlLamports: 0, nowMilliseconds: 0)
        attempt(kill: false, now: 1)  // circuit open
        #expect(signed == 0)
        attempt(kill: false, now: day + 1)  // next day, breaker cooled down
        #expect(signed == 1)

        // A clearance for a smaller trade or another mint does not sign this one.
        var fresh = RiskManager(config: RiskConfig())
        let small = try fresh.clear(
            baseMint: market.baseMint, notional: 10, nowMilliseconds: 0, killSwitchEngaged: false)
        #expect(throws: ExecutionError.self) {
            try assembler.sign(tx, clearance: small, payer: market.wallet, otherSigners: [market.poolAuthority])
        }
    }
}
