import Crypto
import SolanaPrimitives

/// Program-derived addresses for the venues (pool authorities, bin arrays, oracles, vault signers).
///
/// The foundation layer (issue #2) owns the canonical `createProgramAddress` / `findProgramAddress`; until it
/// lands on main this is a self-contained implementation with the same rule: sha256(seeds ‖ program ‖
/// "ProgramDerivedAddress") and reject results that decode to a point on the Ed25519 curve (the check
/// curve25519-dalek's `CompressedEdwardsY::decompress` makes). Checked against real PDAs in the tests.
public enum VenuePDA {
    static let marker = Array("ProgramDerivedAddress".utf8)

    /// `create_program_address`: nil when a seed exceeds 32 bytes, there are more than 16 seeds, or the hash is
    /// on the curve.
    public static func create(seeds: [[UInt8]], program: Address) -> Address? {
        guard seeds.count <= 16, seeds.allSatisfy({ $0.count <= 32 }) else { return nil }
        var h = SHA256()
        for s in seeds { h.update(data: s) }
        h.update(data: program.bytes)
        h.update(data: marker)
        let digest = Array(h.finalize())
        if Ed25519Point.isOnCurve(digest) { return nil }
        return try? Address(bytes: digest)
    }

    /// `find_program_address`: the first bump from 255 down whose address is off the curve.
    public static func find(seeds: [[UInt8]], program: Address) -> (address: Address, bump: UInt8)? {
        var bump: UInt8 = 255
        while true {
            if let a = create(seeds: seeds + [[bump]], program: program) { return (a, bump) }
            if bump == 0 { return nil }
            bump -= 1
        }
    }
}

/// The "is this 32-byte string a valid compressed Edwards point" test, with arithmetic mod p = 2^255 − 19.
enum Ed25519Point {
    /// d = −121665/121666 mod p (RFC 8032).
    static let d = FieldElement(
        0x75eb_4dca_1359_78a3, 0x0070_0a4d_4141_d8ab, 0x8cc7_4079_7779_e898, 0x5203_6cee_2b6f_fe73)

    /// y = bytes with bit 255 cleared (reduced mod p as dalek's `from_bytes` does); the point exists iff
    /// u/v is a square, u = y² − 1, v = d·y² + 1 — equivalently u·v is 0 or a quadratic residue.
    static func isOnCurve(_ bytes: [UInt8]) -> Bool {
        precondition(bytes.count == 32)
        var limbs: [UInt64] = [0, 0, 0, 0]
        for i in 0..<32 { limbs[i / 8] |= UInt64(bytes[i]) << UInt64(8 * (i % 8)) }
        limbs[3] &= 0x7FFF_FFFF_FFFF_FFFF
        let y = FieldElement(limbs[0], limbs[1], limbs[2], limbs[3]).reduced()
        let y2 = y * y
        let u = y2 - .one
        let v = d * y2 + .one
        let uv = u * v
        if uv.isZero { return true }
        return uv.legendreIsOne
    }
}

/// A field element mod 2^255 − 19 in four 64-bit limbs (value < 2^256, fully reduced by `reduced()`).
struct FieldElement: Equatable {
    var l0, l1, l2, l3: UInt64

    init(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64) {
        (self.l0, self.l1, self.l2, self.l3) = (l0, l1, l2, l3)
    }

    static let one = FieldElement(1, 0, 0, 0)
    static let p = FieldElement(0xFFFF_FFFF_FFFF_FFED, .max, .max, 0x7FFF_FFFF_FFFF_FFFF)

    var limbs: [UInt64] { [l0, l1, l2, l3] }

    static func >= (a: FieldElement, b: FieldElement) -> Bool {
        let x = a.limbs
        let y = b.limbs
        for i in stride(from: 3, through: 0, by: -1) where x[i] != y[i] { return x[i] > y[i] }
        return true
    }

    /// a − b over 256 bits (caller ensures a ≥ b).
    static func rawSub(_ a: FieldElement, _ b: FieldElement) -> FieldElement {
        let x = a.limbs
        let y = b.limbs
        var r = [UInt64](repeating: 0, count: 4)
        var borrow: UInt64 = 0
        for i in 0..<4 {
            let (s1, o1) = x[i].subtractingReportingOverflow(y[i])
            let (s2, o2) = s1.subtractingReportingOverflow(borrow)
            r[i] = s2
            borrow = (o1 || o2) ? 1 : 0
        }
        return FieldElement(r[0], r[1], r[2], r[3])
    }

    func reduced() -> FieldElement {
        var v = self
        while v >= .p { v = .rawSub(v, .p) }
        return v
    }

    var isZero: Bool { reduced() == FieldElement(0, 0, 0, 0) }

    /// Folds a value given as 4 limbs plus a small carry (value = limbs + carry·2^256) using 2^256 ≡ 38.
    static func fold(_ r: [UInt64], carry: UInt64) -> FieldElement {
        var r = r
        var c = UInt128(carry) * 38
        while c != 0 {
            for i in 0..<4 {
                let s = UInt128(r[i]) + c
                r[i] = UInt64(truncatingIfNeeded: s)
                c = s >> 64
                if c == 0 { break }
            }
            c *= 38
        }
        return FieldElement(r[0], r[1], r[2], r[3]).reduced()
    }

    static func + (a: FieldElement, b: FieldElement) -> FieldElement {
        let x = a.limbs
        let y = b.limbs
        var r = [UInt64](repeating: 0, count: 4)
        var c: UInt128 = 0
        for i in 0..<4 {
            let s = UInt128(x[i]) + UInt128(y[i]) + c
            r[i] = UInt64(truncatingIfNeeded: s)
            c = s >> 64
        }
        return fold(r, carry: UInt64(c))
    }

    static func - (a: FieldElement, b: FieldElement) -> FieldElement {
        let a = a.reduced()
        let b = b.reduced()
        if a >= b { return rawSub(a, b) }
        return a + rawSub(.p, b)
    }

    static func * (a: FieldElement, b: FieldElement) -> FieldElement {
        let x = a.limbs
        let y = b.limbs
        var t = [UInt64](repeating: 0, count: 8)
        for i in 0..<4 {
            var carry: UInt64 = 0
            for j in 0..<4 {
                let p = UInt128(x[i]) * UInt128(y[j]) + UInt128(t[i + j]) + UInt128(carry)
                t[i + j] = UInt64(truncatingIfNeeded: p)
                carry = UInt64(truncatingIfNeeded: p >> 64)
            }
            t[i + 4] = carry
        }
        // low + 38·high
        var r = [UInt64](repeating: 0, count: 4)
        var c: UInt128 = 0
        for k in 0..<4 {
            let s = UInt128(t[k + 4]) * 38 + UInt128(t[k]) + c
            r[k] = UInt64(truncatingIfNeeded: s)
            c = s >> 64
        }
        return fold(r, carry: UInt64(c))
    }

    /// self^((p−1)/2) == 1 (Euler's criterion); (p−1)/2 = 2^254 − 10.
    var legendreIsOne: Bool {
        let e: [UInt64] = [0xFFFF_FFFF_FFFF_FFF6, .max, .max, 0x3FFF_FFFF_FFFF_FFFF]
        var result = FieldElement.one
        var base = self.reduced()
        for limb in e {
            var bits = limb
            for _ in 0..<64 {
                if bits & 1 == 1 { result = result * base }
                base = base * base
                bits >>= 1
            }
        }
        return result.reduced() == .one
    }
}
