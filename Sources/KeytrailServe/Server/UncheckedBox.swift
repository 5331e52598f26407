/// Moves a value that is not `Sendable` to the one thread that will use it.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
