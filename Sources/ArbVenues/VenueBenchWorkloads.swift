import ArbMath
import SolanaPrimitives

/// Ready-to-quote synthetic pools for `solarb bench quotes` (the timing lives in the CLI: L0 has no clock).
/// Each venue is decoded from bytes built to the documented layouts, so the benchmark covers the venue's
/// full quote path (status checks, reserves, fee model) and not just the curve.
public enum VenueBenchWorkloads {
    static func put(_ d: inout [UInt8], _ off: Int, _ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { d.replaceSubrange(off..<off + 8, with: $0) }
    }
    static func put(_ d: inout [UInt8], _ off: Int, _ a: Address) { d.replaceSubrange(off..<off + 32, with: a.bytes) }
    static func key(_ n: UInt8) -> Address {
        // Distinct, deterministic 32-byte keys (never used on chain).
        guard let a = try? Address(bytes: [UInt8](repeating: n, count: 31) + [n &+ 1]) else {
            preconditionFailure("key")
        }
        return a
    }

    /// A SwapOnly SOL/USDC-like AMM v4 pool (50 000 coin, 7 000 000 pc in base units 1e9 / 1e6), 25/10000 fee.
    public static func raydiumAMMv4() -> RaydiumAMMv4Pool {
        typealias L = RaydiumAMMv4Layout
        var d = [UInt8](repeating: 0, count: L.size)
        put(&d, L.status, 6)
        put(&d, L.nonce, 254)
        put(&d, L.coinDecimals, 9)
        put(&d, L.pcDecimals, 6)
        put(&d, L.swapFeeNumerator, 25)
        put(&d, L.swapFeeDenominator, 10_000)
        for (i, off) in [
            L.coinVault, L.pcVault, L.coinVaultMint, L.pcVaultMint, L.lpMint, L.openOrders, L.market, L.marketProgram,
            L.targetOrders,
        ].enumerated() {
            put(&d, off, key(UInt8(10 + 2 * i)))
        }
        guard var pool = try? RaydiumAMMv4Pool(address: key(1), data: d) else { preconditionFailure("AMM v4 workload") }
        pool.coinVaultAmount = 50_000_000_000_000
        pool.pcVaultAmount = 7_000_000_000_000
        return pool
    }

    /// A CPMM pool with 0.25% trade fee, protocol/fund shares and a creator fee on token 0.
    public static func raydiumCPMM() -> RaydiumCPMMPool {
        typealias L = RaydiumCPMMLayout
        var d = [UInt8](repeating: 0, count: L.poolSize)
        d.replaceSubrange(0..<8, with: L.poolDiscriminator)
        for (i, off) in [L.ammConfig, L.token0Vault, L.token1Vault, L.token0Mint, L.token1Mint, L.observationKey]
            .enumerated()
        {
            put(&d, off, key(UInt8(40 + 2 * i)))
        }
        put(&d, L.token0Program, VenueProgramIDs.token)
        put(&d, L.token1Program, VenueProgramIDs.token)
        d[L.authBump] = 253
        d[L.creatorFeeOn] = 1
        d[L.enableCreatorFee] = 1
        var c = [UInt8](repeating: 0, count: L.configSize)
        c.replaceSubrange(0..<8, with: L.configDiscriminator)
        put(&c, L.configTradeFeeRate, 2_500)
        put(&c, L.configProtocolFeeRate, 120_000)
        put(&c, L.configFundFeeRate, 40_000)
        put(&c, L.configCreatorFeeRate, 500)
        guard var pool = try? RaydiumCPMMPool(address: key(2), data: d),
            let cfg = try? RaydiumCPMMConfig(
                account: AccountData(address: key(40), owner: L.programId, lamports: 0, data: c))
        else { preconditionFailure("CPMM workload") }
        pool.config = cfg
        pool.vault0Amount = 80_000_000_000_000
        pool.vault1Amount = 12_000_000_000_000
        return pool
    }

    /// A DLMM pair (bin step 10, 0.1% base fee, dynamic fee on) whose Y side is funded with 1e9 per bin over
    /// enough bin arrays that an X→Y exact-in quote of the returned request crosses about `binsToCross` bins.
    public static func meteoraDLMM(binsToCross: Int) -> (pair: MeteoraDLMMPair, request: QuoteRequest) {
        typealias L = MeteoraDLMMLayout
        let binStep: UInt16 = 10
        let perBin: UInt64 = 1_000_000_000
        let arrays = max(1, (binsToCross + 69) / 70 + 1)
        var p = [UInt8](repeating: 0, count: L.lbPairSize)
        p.replaceSubrange(0..<8, with: L.lbPairDiscriminator)
        p[L.baseFactor] = 0x10
        p[L.baseFactor + 1] = 0x27  // 10_000 → base fee 10_000·10·10 = 1e6 (0.1%)
        p[L.filterPeriod] = 30
        p[L.decayPeriod] = 0x58
        p[L.decayPeriod + 1] = 0x02  // 600
        p[L.reductionFactor] = 0x88
        p[L.reductionFactor + 1] = 0x13  // 5000
        put(&p, L.variableFeeControl, 40_000)  // low 4 bytes; max_volatility_accumulator set next
        p[L.maxVolatilityAccumulator] = 0xE0
        p[L.maxVolatilityAccumulator + 1] = 0x57
        p[L.maxVolatilityAccumulator + 2] = 0x05  // 350_000
        p[L.maxVolatilityAccumulator + 3] = 0
        p[L.binStep] = UInt8(binStep)
        p[L.protocolShare] = 0xF4
        p[L.protocolShare + 1] = 0x01  // 500
        let activeId: Int32 = 69  // top bin of array 0: X→Y walks down through arrays 0, −1, −2, …
        withUnsafeBytes(of: activeId.littleEndian) { p.replaceSubrange(L.activeId..<L.activeId + 4, with: $0) }
        for i in 0..<arrays {
            let bit = 512 - i
            p[L.binArrayBitmap + bit / 8] |= UInt8(1) << UInt8(bit % 8)
        }
        for (i, off) in [L.tokenXMint, L.tokenYMint, L.reserveX, L.reserveY, L.oracle].enumerated() {
            put(&p, off, key(UInt8(80 + 2 * i)))
        }
        let pairAddress = key(3)
        guard var pair = try? MeteoraDLMMPair(address: pairAddress, data: p) else {
            preconditionFailure("DLMM workload")
        }
        for i in 0..<arrays {
            let index = -Int64(i)
            var b = [UInt8](repeating: 0, count: L.binArraySize)
            b.replaceSubrange(0..<8, with: L.binArrayDiscriminator)
            put(&b, 8, UInt64(bitPattern: index))
            put(&b, 24, pairAddress)
            for slot in 0..<Int(DLMM.maxBinPerArray) {
                let id = Int32(index) * DLMM.maxBinPerArray + Int32(slot)
                let o = L.binsOffset + slot * L.binSize
                put(&b, o + L.binAmountY, perBin)
                let price = DLMM.price(binId: id, binStep: binStep) ?? 0
                put(&b, o + L.binPrice, UInt64(truncatingIfNeeded: price))
                put(&b, o + L.binPrice + 8, UInt64(truncatingIfNeeded: price >> 64))
            }
            guard let ba = try? MeteoraDLMMBinArray(address: key(UInt8(100 + i % 100)), data: b) else {
                preconditionFailure("DLMM bin array workload")
            }
            try? pair.insert(ba)
        }
        // X needed to empty `binsToCross` − 1 bins and take part of the next: Σ perBin / price (+ fees ≤ 0.6%).
        var x: UInt128 = 0
        for k in 0..<max(binsToCross, 1) {
            let id = activeId - Int32(k)
            let price = DLMM.price(binId: id, binStep: binStep) ?? (1 << 64)
            let need = (UInt128(perBin) << 64) / price
            // Full bins pay their fee on top (≤ 0.59%: base 0.1% + capped variable fee); the last is half taken.
            x += k == binsToCross - 1 || binsToCross == 0 ? need / 2 : need + need * 6 / 1000 + 1
        }
        let amount = UInt64(min(x, UInt128(UInt64.max)))
        return (pair, QuoteRequest(amount: binsToCross == 0 ? 1_000 : amount, direction: .aToB))
    }
}
