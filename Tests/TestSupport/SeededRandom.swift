package import KeytrailSynth

/// The tests' one seeded generator: the synthetic archives' SplitMix64, so a seed printed by a
/// failing test reproduces its input exactly, whichever suite it came from.
package typealias SeededRandom = SplitMix

extension SplitMix {
    /// A uniform value in `range`.
    package mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// `count` random bytes.
    package mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}
