import KeytrailSynth

/// The tests' one seeded generator: the synthetic archives' SplitMix64 underneath, so a seed
/// printed by a failing test reproduces its input exactly, whichever suite it came from.
package struct SeededRandom: RandomNumberGenerator, Sendable {
    private var base: SplitMix

    /// A generator seeded with `seed`.
    package init(seed: UInt64) { base = SplitMix(seed: seed) }

    /// The next 64 random bits.
    package mutating func next() -> UInt64 { base.next() }

    /// A uniform integer in `0..<n`.
    package mutating func below(_ n: Int) -> Int { base.below(n) }

    /// A uniform value in `range`.
    package mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// `count` random bytes.
    package mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}
