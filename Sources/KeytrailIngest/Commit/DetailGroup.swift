/// The batch entries whose Detail the commit stores: one event's rows, sharing its spilled Detail.
struct DetailGroup {
    /// An entry of the group (they share key, service, time, eventId and Detail).
    var entry: Int
    /// Rows the event won in this batch.
    var rows: Int
    /// Whether a row already named this event (then only a greater text changes anything).
    var same: Bool
}
