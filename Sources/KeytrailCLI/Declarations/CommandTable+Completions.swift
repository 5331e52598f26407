/// `keytrail completions bash|zsh|fish`: scripts generated from the table.
extension CommandTable {
    /// The shells a script is generated for.
    package static let shells = ["bash", "zsh", "fish"]

    /// The completion script for `shell`, nil for a shell we do not know.
    package static func completions(_ shell: String) -> String? {
        switch shell {
        case "bash": return bash
        case "zsh": return zsh
        case "fish": return fish
        default: return nil
        }
    }

    /// The words completed after the command's name: its options and `--help`.
    static func words(_ c: CommandSpec) -> [String] {
        c.options.map { "--\($0.name)" } + ["--help"]
    }

    static var bash: String {
        var s = """
            # keytrail completions for bash: eval "$(keytrail completions bash)"
            _keytrail() {
                local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
                if [ "$COMP_CWORD" -eq 1 ]; then
                    COMPREPLY=($(compgen -W "\(commands.map(\.name).joined(separator: " ")) --help --version" -- "$cur"))
                    return
                fi
                case "${COMP_WORDS[1]}" in

            """
        for c in commands {
            s += "        \(c.name))\n            case \"$prev\" in\n"
            for o in c.options where o.value != nil {
                let action =
                    !o.choices.isEmpty
                    ? "compgen -W \"\(o.choices.joined(separator: " "))\" -- \"$cur\""
                    : o.isPath ? "compgen -f -- \"$cur\"" : ""
                guard !action.isEmpty else {
                    s += "                --\(o.name)) COMPREPLY=(); return ;;\n"
                    continue
                }
                s += "                --\(o.name)) COMPREPLY=($(\(action))); return ;;\n"
            }
            let extra = c.name == "help" ? commands.map(\.name) : c.name == "completions" ? shells : []
            s += "            esac\n"
            s += "            COMPREPLY=($(compgen -W \"\((words(c) + extra).joined(separator: " "))\" -- \"$cur\"))\n"
            s += "            ;;\n"
        }
        s += """
                esac
            }
            complete -o default -F _keytrail keytrail

            """
        return s
    }

    static var zsh: String {
        var s = """
            #compdef keytrail
            # keytrail completions for zsh: eval "$(keytrail completions zsh)"
            _keytrail() {
                if (( CURRENT == 2 )); then
                    compadd -- \(commands.map(\.name).joined(separator: " ")) --help --version
                    return
                fi
                case "$words[2]" in

            """
        for c in commands {
            let extra = c.name == "help" ? commands.map(\.name) : c.name == "completions" ? shells : []
            s += "        \(c.name))\n"
            let fixed = c.options.filter { !$0.choices.isEmpty }
            if !fixed.isEmpty {
                s += "            case \"$words[CURRENT-1]\" in\n"
                for o in fixed {
                    s += "                --\(o.name)) compadd -- \(o.choices.joined(separator: " ")); return ;;\n"
                }
                s += "            esac\n"
            }
            s += "            compadd -- \((words(c) + extra).joined(separator: " ")); _files ;;\n"
        }
        s += """
                esac
            }
            compdef _keytrail keytrail 2>/dev/null

            """
        return s
    }

    static var fish: String {
        var s = "# keytrail completions for fish: keytrail completions fish | source\n"
        s += "complete -c keytrail -f -n __fish_use_subcommand -l help -d 'show help'\n"
        s += "complete -c keytrail -f -n __fish_use_subcommand -l version -d 'print the version'\n"
        for c in commands {
            s += "complete -c keytrail -f -n __fish_use_subcommand -a \(c.name) -d '\(quoted(c.summary))'\n"
            let when = "-n '__fish_seen_subcommand_from \(c.name)'"
            for o in c.options {
                var line = "complete -c keytrail \(when) -l \(o.name)"
                if !o.choices.isEmpty {
                    line += " -x -a '\(o.choices.joined(separator: " "))'"
                } else if o.value != nil {
                    line += o.isPath ? " -r -F" : " -x"
                }
                s += line + " -d '\(quoted(o.help))'\n"
            }
            if c.name == "completions" {
                s += "complete -c keytrail \(when) -f -a '\(shells.joined(separator: " "))'\n"
            }
        }
        return s
    }

    /// `text` inside single quotes in fish.
    static func quoted(_ text: String) -> String {
        text.replacingAll("\\", "\\\\").replacingAll("'", "\\'")
    }
}

extension String {
    /// The string with every `target` replaced by `replacement`.
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
