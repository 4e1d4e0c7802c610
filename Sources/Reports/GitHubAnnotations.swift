import GateKit

/// GitHub Actions workflow commands for the checks that fail or warn: one
/// `::error file=…,title=…::message` line each, which the runner turns into annotations on the
/// file a check judges (a data check's `details.file`) or else on the configuration.
///
/// Everything in them comes from the repository (paths, column names, messages), so each part
/// is escaped as GitHub's toolkit escapes it: a newline cannot end the command early and start
/// another, and `,` or `:` cannot end a property.
public enum GitHubAnnotations {
    public static func render(_ report: GateReport) -> String {
        let configPath = report.configPath
        var lines: [String] = []
        for check in report.allChecks {
            let level: String
            switch check.status {
            case .fail, .error: level = "error"
            case .warn: level = "warning"
            default: continue
            }
            let file = check.details["file"]?.stringValue ?? configPath
            lines.append("::\(level) file=\(property(file)),title=\(property(check.id))::\(data(check.message))")
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// A command's message: `%`, CR and LF escaped.
    static func data(_ text: String) -> String {
        var out = ""
        for character in text.unicodeScalars {
            switch character {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A property's value: as a message, and `:` and `,` too.
    static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
