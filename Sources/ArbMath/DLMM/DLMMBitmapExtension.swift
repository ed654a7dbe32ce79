extension DLMM {
    /// `BinArrayBitmapExtension` (dlmm-sdk commons/src/extensions/bin_array_bitmap.rs): 12 × 512-bit bitmaps on
    /// each side, covering bin-array indices 512…6655 (positive) and −513…−6656 (negative).
    public struct BitmapExtension: Sendable, Hashable {
        public static let bitmapsPerSide = 12
        /// 12 × 8 words each, little-endian limbs.
        public var positive: [UInt64]
        public var negative: [UInt64]

        public init(positive: [UInt64], negative: [UInt64]) {
            precondition(positive.count == 96 && negative.count == 96, "extension bitmaps are 12 × 8 words")
            self.positive = positive
            self.negative = negative
        }

        /// (−6656, 6655).
        public static let range: (min: Int32, max: Int32) = (
            -binArrayBitmapSize * Int32(bitmapsPerSide + 1), binArrayBitmapSize * Int32(bitmapsPerSide + 1) - 1
        )

        /// `bit(index)` for an index outside the default range and inside `range`.
        public func bit(_ index: Int32) -> Bool {
            let (words, offset, inBitmap): ([UInt64], Int, Int)
            if index > 0 {
                (words, offset, inBitmap) = (
                    positive, Int(index / binArrayBitmapSize) - 1, Int(index % binArrayBitmapSize)
                )
            } else {
                let m = -(index + 1)
                (words, offset, inBitmap) = (negative, Int(m / binArrayBitmapSize) - 1, Int(m % binArrayBitmapSize))
            }
            guard offset >= 0, offset < Self.bitmapsPerSide else { return false }
            return words[offset * 8 + inBitmap / 64] >> UInt64(inBitmap % 64) & 1 == 1
        }

        /// First index from `start` toward `end` (inclusive) whose bit is set (`iter_bitmap`).
        func first(from start: Int32, to end: Int32) -> Int32? {
            let step: Int32 = end >= start ? 1 : -1
            var i = start
            while true {
                if i < -binArrayBitmapSize || i >= binArrayBitmapSize, i >= Self.range.min, i <= Self.range.max, bit(i)
                {
                    return i
                }
                if i == end { return nil }
                i += step
            }
        }

        /// `next_bin_array_index_with_liquidity`: (index, true) when found, (boundary, false) to switch back to the
        /// LbPair bitmap, nil when the search range holds no liquidity.
        public func nextBinArrayIndexWithLiquidity(swapForY: Bool, startIndex start: Int32) -> (
            index: Int32, hasLiquidity: Bool
        )? {
            guard start >= Self.range.min, start <= Self.range.max else { return nil }
            if start > 0 {
                if swapForY {
                    if let v = first(from: start, to: binArrayBitmapSize) { return (v, true) }
                    return (binArrayBitmapSize - 1, false)
                }
                return first(from: start, to: Self.range.max).map { ($0, true) }
            }
            if swapForY {
                return first(from: start, to: Self.range.min).map { ($0, true) }
            }
            if let v = first(from: start, to: -binArrayBitmapSize - 1) { return (v, true) }
            return (-binArrayBitmapSize, false)
        }
    }

    /// What is known about a pair's bitmap-extension account.
    public enum ExtensionState: Sendable, Hashable {
        /// Not supplied: a walk that leaves the default bitmap cannot be decided.
        case unknown
        /// The account does not exist: nothing beyond the default bitmap.
        case absent
        case present(BitmapExtension)
    }

    /// The next bin array with liquidity at or beyond `start` in the swap direction, walking the LbPair bitmap
    /// and the extension as `get_bin_array_pubkeys_for_swap` does; nil = out of liquidity.
    public static func nextBinArrayWithLiquidity(
        bitmap: [UInt64], extension ext: ExtensionState, swapForY: Bool, start: Int32
    ) throws(SwapFailure) -> Int32? {
        var start = start
        for _ in 0..<4 {  // at most: default → extension → default → extension
            if start < -binArrayBitmapSize || start >= binArrayBitmapSize {
                switch ext {
                case .unknown: throw .needsBitmapExtension(start)
                case .absent: return nil
                case .present(let e):
                    guard let next = e.nextBinArrayIndexWithLiquidity(swapForY: swapForY, startIndex: start) else {
                        return nil
                    }
                    if next.hasLiquidity { return next.index }
                    start = next.index
                }
            } else {
                let next = nextBinArrayIndexWithLiquidity(bitmap: bitmap, swapForY: swapForY, startIndex: start)
                if next.hasLiquidity { return next.index }
                start = next.index
            }
        }
        return nil
    }
}
