/// Minimal option parsing: `--name value`, `--name=value`, flags, positionals, `--` ends options.
struct Arguments {
    private(set) var positionals: [String] = []
    private var values: [String: String] = [:]
    /// The second value of options that take two (`--between FIRST LAST`).
    private var seconds: [String: String] = [:]
    private var flags: Set<String> = []
    /// Every name the command declares: reading another is a programmer error (an option the
    /// help, the parser and the completions would not know).
    private let declared: Set<String>

    /// Parses `args` with the options `command` declares.
    init(_ args: [String], command: CommandSpec) throws(CLIError) {
        try self.init(
            args, options: Set(command.options.filter { $0.value != nil }.map(\.name)),
            pairs: Set(command.options.filter { $0.arity == 2 }.map(\.name)),
            flags: Set(command.options.filter { $0.value == nil }.map(\.name)))
        // A value outside an option's declared choices is refused here, once for every command.
        for o in command.options where !o.choices.isEmpty {
            guard let v = values[o.name], !o.choices.contains(v) else { continue }
            let list = o.choices.dropLast().joined(separator: ", ") + " or " + o.choices.last!
            let near = CommandTable.suggestion(v, among: o.choices).map { "; did you mean '\($0)'?" } ?? ""
            throw .usage("--\(o.name) must be \(list), got '\(v)'\(near)")
        }
    }

    /// Whether `args` ask for `command`'s help: `-h` or `--help` where an option may stand (not
    /// as an option's value, not after `--`).
    static func asksHelp(_ args: [String], command: CommandSpec) -> Bool {
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--" { return false }
            if a == "-h" || a == "--help" { return true }
            if a.hasPrefix("--") && !a.contains("=") { i += command.option(String(a.dropFirst(2)))?.arity ?? 0 }
            i += 1
        }
        return false
    }

    /// Parses `args` given the option names that take a value and the flags.
    private init(_ args: [String], options: Set<String>, pairs: Set<String>, flags allowedFlags: Set<String>)
        throws(CLIError)
    {
        declared = options.union(allowedFlags)
        var i = 0
        var onlyPositionals = false
        while i < args.count {
            let a = args[i]
            i += 1
            if onlyPositionals || !a.hasPrefix("--") || a == "-" {
                if !onlyPositionals && a.hasPrefix("-") && a != "-" && a.count > 1 {
                    throw Self.unknown(a, options.union(allowedFlags))
                }
                positionals.append(a)
                continue
            }
            if a == "--" {
                onlyPositionals = true
                continue
            }
            var name = String(a.dropFirst(2))
            var value: String?
            if let eq = name.firstIndex(of: "=") {
                value = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if options.contains(name) {
                if value == nil {
                    guard i < args.count else { throw CLIError.usage("option '--\(name)' needs a value") }
                    value = args[i]
                    i += 1
                }
                values[name] = value
                if pairs.contains(name) {
                    guard i < args.count, !a.contains("=") else {
                        throw CLIError.usage("option '--\(name)' takes two values: --\(name) FIRST LAST")
                    }
                    seconds[name] = args[i]
                    i += 1
                }
            } else if allowedFlags.contains(name) {
                if value != nil { throw CLIError.usage("option '--\(name)' takes no value") }
                flags.insert(name)
            } else {
                throw Self.unknown("--\(name)", options.union(allowedFlags))
            }
        }
    }

    /// An unknown option's error, with the nearest known one.
    static func unknown(_ option: String, _ known: Set<String>) -> CLIError {
        let word = String(option.drop { $0 == "-" })
        guard let near = CommandTable.suggestion(word, among: known.sorted()) else {
            return .usage("unknown option '\(option)'")
        }
        return .usage("unknown option '\(option)'; did you mean '--\(near)'?")
    }

    /// The value of `--name`, if given.
    func value(_ name: String) -> String? {
        precondition(declared.contains(name), "--\(name) is not declared")
        return values[name]
    }

    /// Whether the command declares `--name`.
    func declares(_ name: String) -> Bool { declared.contains(name) }

    /// The two values of `--name FIRST LAST`, if given.
    func pair(_ name: String) -> (String, String)? {
        guard let a = value(name), let b = seconds[name] else { return nil }
        return (a, b)
    }

    /// Whether flag `--name` was given.
    func flag(_ name: String) -> Bool {
        precondition(declared.contains(name), "--\(name) is not declared")
        return flags.contains(name)
    }

    /// A non-negative integer option.
    func integer(_ name: String, range: ClosedRange<Int>) throws(CLIError) -> Int? {
        guard let v = value(name) else { return nil }
        guard let n = Int(v), range.contains(n) else {
            throw CLIError.usage("--\(name) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return n
    }
}
