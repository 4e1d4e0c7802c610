import GateKit

/// GitHub-flavoured Markdown for a pull-request comment or `$GITHUB_STEP_SUMMARY` (SPEC §4):
/// verdict first, a table by plugin, failures and warnings before passes, the command that
/// reproduces the run, and never more than GitHub's 65,536-character comment limit.
public enum MarkdownReport {
    public static let characterLimit = 65_536

    public static func render(_ report: GateReport) -> String {
        let full = compose(report, includePassed: true, includeDetails: true)
        if full.count <= characterLimit - 512 { return full }
        let lean = compose(report, includePassed: false, includeDetails: true)
        if lean.count <= characterLimit - 512 {
            return lean + "\n> Passed and skipped checks were cut to stay under GitHub's comment limit; the JSON report has them.\n"
        }
        let minimal = compose(report, includePassed: false, includeDetails: false)
        let note = "\n> Passed checks and check details were cut to stay under GitHub's comment limit; the JSON report has them.\n"
        return String(minimal.prefix(characterLimit - note.count - 16)) + note
    }

    private static func compose(_ report: GateReport, includePassed: Bool, includeDetails: Bool) -> String {
        var md = ""
        let checks = report.allChecks
        md += "## \(Presentation.icon(report.status)) mlgate: \(Presentation.verdict(report)) — \(Presentation.tally(checks))\n\n"
        md += "Head `\(report.head.commit.prefix(8))` (\(escape(report.head.rev))) against baseline `\(report.mergeBase.prefix(8))`"
        md += " (merge-base with \(escape(report.base.rev))) · seed \(report.seed) · policy from \(report.policy.source)"
        md += report.policy.changed ? " (**changed by this PR**)" : ""
        md += "\n\n"

        md += "| Plugin | Status | ✅ Pass | ⚠️ Warn | ❌ Fail | 🛑 Error | ⏭️ Skip |\n|---|---|--:|--:|--:|--:|--:|\n"
        for plugin in report.plugins {
            let c = { (s: Status) in plugin.checks.filter { $0.status == s }.count }
            md += "| \(plugin.name) | \(Presentation.icon(plugin.status)) \(plugin.status.rawValue) | \(c(.pass)) | \(c(.warn)) | \(c(.fail)) | \(c(.error)) | \(c(.skip)) |\n"
        }
        md += "\n"

        if let chart = metricsChart(report) { md += chart + "\n" }
        if let changed = WhatChanged(report) { md += whatChanged(changed, folded: !includeDetails) }

        let attention = Presentation.ordered(checks.filter { $0.status >= .warn })
        if !attention.isEmpty {
            md += "### Needs attention\n\n"
            md += table(attention)
            md += "\n"
            for check in attention {
                md += "- \(Presentation.icon(check.status)) **\(code(check.id))**\(check.preexisting ? " _(already at the baseline)_" : "") — \(escape(check.message))\n"
                if includeDetails, let body = detailsBlock(check) {
                    md += "\n  <details><summary>details</summary>\n\n" + body + "\n  </details>\n\n"
                }
            }
            md += "\n"
        }

        let rest = checks.filter { $0.status < .warn }
        if includePassed, !rest.isEmpty {
            md += "<details><summary>Passed and skipped checks (\(rest.count))</summary>\n\n"
            md += table(Presentation.ordered(rest))
            md += "\n</details>\n\n"
        }

        if !report.changedPaths.isEmpty {
            md += "<details><summary>Files this PR changes (\(report.changedPaths.count))</summary>\n\n"
            for path in report.changedPaths.prefix(200) { md += "- `\(path)`\n" }
            if report.changedPaths.count > 200 { md += "- … and \(report.changedPaths.count - 200) more\n" }
            md += "\n</details>\n\n"
        }

        md += "Reproduce locally:\n\n```sh\n\(report.command)\n```\n"
        md += "\n<sub>mlgate \(report.toolVersion) · \(Presentation.number(report.durationSeconds)) s</sub>\n"
        return md
    }

    private static func table(_ checks: [CheckResult]) -> String {
        var md = "| | Check | Baseline → Head | Change | Threshold |\n|---|---|---|--:|--:|\n"
        for check in checks {
            let numbers = check.value == nil && check.baseline == nil
                ? "—" : "\(Presentation.number(check.baseline)) → \(Presentation.number(check.value))"
            md += "| \(Presentation.icon(check.status)) | \(code(check.id)) \(escape(check.title)) | \(numbers) | \(Presentation.change(check)) | \(Presentation.number(check.threshold)) |\n"
        }
        return md
    }

    /// The part of a check's details a reviewer reads: a policy diff as a diff block, drift
    /// bins as a chart and a table, other details as folded JSON.
    private static func detailsBlock(_ check: CheckResult) -> String? {
        let views = DetailViews(check.details)
        if let diff = views.diff {
            return block("diff", diff.joined(separator: "\n"))
        }
        if let distribution = views.distribution {
            return distributionBlock(check, distribution)
        }
        if let groups = views.groups {
            return groupsBlock(check, groups)
        }
        guard case .object(let members) = check.details, !members.isEmpty else { return nil }
        let json = JSONEncoding.encode(check.details)
        return block("json", String(json.prefix(4000)) + (json.count > 4000 ? "\n…" : ""))
    }

    /// What the PR changed and why the checks came out as they did: data lines first, the
    /// model's change folded below them (all of it folded when space is short).
    static func whatChanged(_ changed: WhatChanged, folded: Bool) -> String {
        var md = "### What changed\n\n"
        for (file, summary) in changed.data {
            md += "- \(code(file)): \(escape(String(summary.prefix(1200))))\n"
        }
        if let flips = changed.flips {
            md += "- \(Presentation.icon(flips.status)) Negative flip rate \(WhatChanged.rate(flips))"
            md += flips.tolerance.map { " (error grew by more than \(NumberText.number($0)))" } ?? ""
            md += "\n"
        }
        if let why = changed.notCompared { md += "- ⏭️ Models not compared row by row: \(escape(why))\n" }
        if let top = changed.slices.first {
            md += "- Worse most where \(escape(top.text)) (\(top.rows) rows: \(top.metric) \(NumberText.number(top.baseline, .fine)) → \(NumberText.number(top.candidate, .fine)))\n"
        }
        if let attribution = changed.attribution, let first = attribution.features.first {
            md += "- \(Presentation.icon(attribution.status)) Leans most on \(code(first.name)); ranking shift \(NumberText.number(attribution.shift)) (1 − nDCG)\n"
        }
        if let issues = changed.labelIssues {
            md += "- \(Presentation.icon(issues.status)) \(escape(String(issues.message.prefix(600))))\n"
        }
        md += "\n"
        guard !folded else { return md }
        if let flips = changed.flips, flips.tolerance == nil {
            md += "<details><summary>Flip table</summary>\n\n| | candidate right | candidate wrong |\n|---|--:|--:|\n"
            md += "| **baseline right** | \(flips.bothRight) | \(flips.broken) |\n| **baseline wrong** | \(flips.fixed) | \(flips.bothWrong) |\n\n</details>\n\n"
        }
        if !changed.slices.isEmpty {
            md += "<details><summary>Where the candidate got worse (\(changed.slices.count) slices)</summary>\n\n"
            md += "| slice | rows | baseline | candidate | \(escape(changed.loss ?? "loss")) a row (95% CI) |\n|---|--:|--:|--:|--:|\n"
            for slice in changed.slices {
                md += "| \(escape(slice.text)) | \(slice.rows) | \(slice.metric) \(NumberText.number(slice.baseline, .fine)) | \(NumberText.number(slice.candidate, .fine)) | \(WhatChanged.interval(slice)) |\n"
            }
            md += "\n</details>\n\n"
        }
        if let attribution = changed.attribution, !attribution.features.isEmpty {
            let features = attribution.features
            let top = max(features.map { max($0.baseline, $0.candidate) }.max() ?? 1, 1e-9) * 1.1
            md += "<details><summary>Which features the models lean on</summary>\n\n"
            md += "```mermaid\nxychart-beta\n    title \"Mean |contribution| (bars: candidate, line: baseline)\"\n"
            md += "    x-axis [" + features.map { "\"" + label($0.name) + "\"" }.joined(separator: ", ") + "]\n"
            md += "    y-axis 0 --> \(Presentation.number(top))\n"
            md += "    bar [" + features.map { Presentation.number($0.candidate) }.joined(separator: ", ") + "]\n"
            md += "    line [" + features.map { Presentation.number($0.baseline) }.joined(separator: ", ") + "]\n```\n\n</details>\n\n"
        }
        return md
    }

    /// The model's metrics on head's holdout, baseline model as a line and candidate as bars
    /// (metrics in [0, 1] only, so one axis fits them all).
    static func metricsChart(_ report: GateReport) -> String? {
        guard let plugin = report.plugins.first(where: { $0.name == "model-evaluation" }) else { return nil }
        let metrics = plugin.checks.filter { !$0.id.contains("/slice/") }.compactMap { check -> (String, Double, Double)? in
            guard let value = check.value, let baseline = check.baseline, value.isFinite, baseline.isFinite,
                  (0...1).contains(value), (0...1).contains(baseline) else { return nil }
            return (check.metric ?? check.localID, baseline, value)
        }
        guard !metrics.isEmpty else { return nil }
        var md = "```mermaid\nxychart-beta\n    title \"Model metrics on head's holdout (bars: candidate, line: baseline)\"\n"
        md += "    x-axis [" + metrics.map { "\"" + label($0.0) + "\"" }.joined(separator: ", ") + "]\n    y-axis 0 --> 1\n"
        md += "    bar [" + metrics.map { Presentation.number($0.2) }.joined(separator: ", ") + "]\n"
        md += "    line [" + metrics.map { Presentation.number($0.1) }.joined(separator: ", ") + "]\n```\n"
        return md
    }

    /// Baseline and head shares per bin: a Mermaid bar chart (head as bars, baseline as a line)
    /// and the table behind it, largest moves marked.
    static func distributionBlock(_ check: CheckResult, _ distribution: DetailViews.Distribution) -> String {
        let shown = distribution.charted(), bins = distribution.bins
        let labels = shown.map(\.label)
        let baseline = shown.map { $0.baseline * 100 }
        let head = shown.map { $0.head * 100 }
        let top = max(baseline.max() ?? 0, head.max() ?? 0)
        let axisTop = max(1, (top * 1.1).rounded(.up))
        func series(_ values: [Double]) -> String { values.map { Presentation.number(($0 * 100).rounded() / 100) }.joined(separator: ", ") }
        let name = label(check.title)
        var md = "```mermaid\nxychart-beta\n"
        md += "    title \"\(name): % of rows per bin (bars: head, line: baseline)\"\n"
        md += "    x-axis [" + labels.map { "\"" + label($0) + "\"" }.joined(separator: ", ") + "]\n"
        md += "    y-axis \"% of rows\" 0 --> \(Presentation.number(axisTop))\n"
        md += "    bar [\(series(head))]\n    line [\(series(baseline))]\n```\n\n"
        md += "| bin | baseline | head | change |\n|---|--:|--:|--:|\n"
        for (i, label) in labels.enumerated() {
            let delta = head[i] - baseline[i]
            let sign = delta > 0 ? "+" : delta < 0 ? "−" : "±"
            md += "| \(escape(label)) | \(baseline[i].formatted(decimals: 2))% | \(head[i].formatted(decimals: 2))% | \(sign)\(abs(delta).formatted(decimals: 2)) pts |\n"
        }
        if bins.count > shown.count {
            md += "\nThe \(shown.count) bins that contribute most to PSI; \(bins.count - shown.count) more in the JSON report.\n"
        }
        let stats = distribution.statistics.map { key, value in
            "\(key) \(key.hasSuffix("pvalue") && value < 1e-4 ? "< 0.0001" : Presentation.number(value))"
        }
        if !stats.isEmpty { md += "\n" + stats.joined(separator: " · ") + "\n" }
        return md
    }

    /// The per-group table of a fairness check, with a chart of each group's selection rate
    /// (or mean prediction) when there is one.
    static func groupsBlock(_ check: CheckResult, _ groups: DetailViews.Table) -> String {
        let keys = groups.columns
        var md = ""
        let charted = keys.contains("selection_rate") ? "selection_rate" : keys.contains("mean_prediction") ? "mean_prediction" : nil
        if let charted, groups.rows.count <= 30 {
            let labels = groups.texts("group").map { "\"" + label($0) + "\"" }
            let values = groups.numbers(charted)
            let top = max(values.max() ?? 1, 0)
            md += "```mermaid\nxychart-beta\n    title \"\(label(check.title)): \(charted) per group\"\n"
            md += "    x-axis [" + labels.joined(separator: ", ") + "]\n"
            md += "    y-axis \"\(charted)\" 0 --> \(Presentation.number(top * 1.1 == 0 ? 1 : top * 1.1))\n"
            md += "    bar [" + values.map { Presentation.number($0) }.joined(separator: ", ") + "]\n```\n\n"
        }
        md += "| " + keys.map { $0.replacingOccurrences(of: "_", with: " ") }.joined(separator: " | ") + " |\n"
        md += "|" + keys.map { $0 == "group" ? "---" : "--:" }.joined(separator: "|") + "|\n"
        for group in groups.rows.prefix(100) {
            let cells = keys.map { key -> String in
                switch group[key] {
                case .string(let text)?: return escape(text)
                case .number(let value)?: return Presentation.number(value)
                case .bool(let flag)?: return key == "judged" ? (flag ? "yes" : "insufficient data") : (flag ? "yes" : "no")
                default: return "—"
                }
            }
            md += "| " + cells.joined(separator: " | ") + " |\n"
        }
        return md
    }

    /// Text from the repository (messages, titles, column values) as inert Markdown: it cannot
    /// break a table cell or a line, open HTML, link or show an image, autolink a URL, or
    /// @mention anyone in the PR comment.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "[", with: "\\[").replacingOccurrences(of: "]", with: "\\]")
            .replacingOccurrences(of: "@", with: "@\u{200B}").replacingOccurrences(of: "://", with: ":\u{200B}//")
    }

    /// An id or name as inline code: fenced by more backticks than it holds, on one line, `|` escaped.
    static func code(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "|", with: "\\|")
        let fence = String(repeating: "`", count: longestRun(of: "`", in: flat) + 1)
        let pad = flat.hasPrefix("`") || flat.hasSuffix("`") ? " " : ""
        return fence + pad + flat + pad + fence
    }

    /// A fenced block whose fence no line of `content` can close.
    static func block(_ info: String, _ content: String) -> String {
        let fence = String(repeating: "`", count: max(3, longestRun(of: "`", in: content) + 1))
        return fence + info + "\n" + content + "\n" + fence + "\n"
    }

    /// A label inside a Mermaid string: no quotes, backticks or line breaks.
    static func label(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "'").replacingOccurrences(of: "`", with: "'")
            .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }

    static func longestRun(of character: Character, in text: String) -> Int {
        var longest = 0, run = 0
        for c in text { run = c == character ? run + 1 : 0; longest = max(longest, run) }
        return longest
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
