/// One option of the command line: its name, its value (nil for a flag), its help and the
/// commands that take it. The parser, the help, the suggestions and the completions read it.
package struct OptionSpec: Sendable {
    /// The long name, without `--`.
    package var name: String
    /// The value's placeholder (`PATH`, `N`); nil for a flag.
    package var value: String?
    /// The fixed set of values, where there is one (`--format json|table`).
    package var choices: [String]
    /// One line of help.
    package var help: String
    /// Whether the value is a path (completed as a file).
    package var isPath: Bool
    /// How many arguments the option takes after it (`--between FIRST LAST`: 2); 0 for a flag.
    package var arity: Int { value == nil ? 0 : value!.split(separator: " ").count }

    init(flag name: String, _ help: String) { self.init(name, nil, help) }

    init(_ name: String, _ value: String?, choices: [String] = [], path: Bool = false, _ help: String) {
        self.name = name
        self.value = value
        self.choices = choices
        self.help = help
        self.isPath = path
    }

    /// `--name VALUE` (or `--name a|b`), as usage and help show it.
    package var synopsis: String {
        guard let value else { return "--\(name)" }
        return "--\(name) \(choices.isEmpty ? value : choices.joined(separator: "|"))"
    }
}

/// One command: its name, its summary, its usage forms (after `keytrail NAME`) and its options.
package struct CommandSpec: Sendable {
    /// The command's name (`products`).
    package var name: String
    /// One line: what it answers.
    package var summary: String
    /// Its positional forms, e.g. `ACCESS_KEY` and `--keys-from FILE|-`.
    package var forms: [String]
    /// Every option it takes, in help order.
    package var options: [OptionSpec]
    /// More lines of help after the options.
    package var notes: [String] = []

    /// The option named `name`, if the command takes it.
    package func option(_ name: String) -> OptionSpec? { options.first { $0.name == name } }

    /// The first usage line, as a usage error shows it.
    package var usageLine: String { "keytrail \(name) \(forms.first ?? "")[options]" }
}
