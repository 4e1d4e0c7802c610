import GateKit

/// One self-contained HTML file (SPEC §4): inline CSS and SVG, no scripts, no network, no raw
/// data — only the aggregates the checks report, so it stays small for any size of data.
public enum HTMLReport {
    public static func render(_ report: GateReport) -> String {
        let checks = report.allChecks
        var h = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>mlgate: \(escape(Presentation.verdict(report)))</title>
        <style>\(style)</style></head><body>
        <header class="\(report.status.rawValue)">
        <h1>mlgate: \(escape(Presentation.verdict(report)))</h1>
        <p>\(escape(Presentation.tally(checks)))</p>
        <p class="meta">head <code>\(escape(String(report.head.commit.prefix(8))))</code> (\(escape(report.head.rev))) against baseline
        <code>\(escape(String(report.mergeBase.prefix(8))))</code> (merge-base with \(escape(report.base.rev))) · seed \(report.seed) ·
        policy from \(escape(report.policy.source))\(report.policy.changed ? " <strong>(changed by this PR)</strong>" : "")</p>
        </header><main>
        <h2>Plugins</h2>
        <table><thead><tr><th>Plugin</th><th>Status</th><th>Pass</th><th>Warn</th><th>Fail</th><th>Error</th><th>Skip</th></tr></thead><tbody>

        """
        for plugin in report.plugins {
            let c = { (s: Status) in plugin.checks.filter { $0.status == s }.count }
            h += "<tr><td>\(escape(plugin.name))</td><td>\(badge(plugin.status))</td><td>\(c(.pass))</td><td>\(c(.warn))</td><td>\(c(.fail))</td><td>\(c(.error))</td><td>\(c(.skip))</td></tr>\n"
        }
        h += "</tbody></table>\n"
        if let changed = WhatChanged(report) { h += whatChanged(changed) }
        let attention = Presentation.ordered(checks.filter { $0.status >= .warn })
        if !attention.isEmpty {
            h += "<h2>Needs attention</h2>\n"
            for check in attention { h += card(check) }
        }
        let rest = Presentation.ordered(checks.filter { $0.status < .warn })
        if !rest.isEmpty {
            h += "<details><summary>Passed and skipped checks (\(rest.count))</summary>\n<table><thead><tr><th></th><th>Check</th><th>Baseline → head</th><th>Message</th></tr></thead><tbody>\n"
            for check in rest {
                h += "<tr><td>\(badge(check.status))</td><td><code>\(escape(check.id))</code></td><td>\(numbers(check))</td><td>\(escape(check.message))</td></tr>\n"
            }
            h += "</tbody></table></details>\n"
        }
        if !report.changedPaths.isEmpty {
            h += "<details><summary>Files this PR changes (\(report.changedPaths.count))</summary><ul>"
            for path in report.changedPaths.prefix(500) { h += "<li><code>\(escape(path))</code></li>" }
            h += "</ul></details>\n"
        }
        h += "<h2>Reproduce</h2><pre>\(escape(report.command))</pre>\n"
        h += "</main><footer>mlgate \(escape(report.toolVersion)) · \(escape(Presentation.number(report.durationSeconds))) s</footer></body></html>\n"
        return h
    }

    private static func card(_ check: CheckResult) -> String {
        var h = "<section class=\"card \(check.status.rawValue)\"><h3>\(badge(check.status)) <code>\(escape(check.id))</code> \(escape(check.title))"
        if check.preexisting { h += " <em>(already at the baseline)</em>" }
        h += "</h3>\n<p>\(escape(check.message))</p>\n"
        if check.value != nil || check.baseline != nil {
            h += "<p class=\"numbers\">\(numbers(check)) · change \(escape(Presentation.change(check))) · threshold \(escape(Presentation.number(check.threshold)))</p>\n"
        }
        let views = DetailViews(check.details)
        if let diff = views.diff {
            h += "<pre class=\"diff\">" + diff.map { line in
                let kind = line.hasPrefix("+") ? "add" : line.hasPrefix("-") ? "del" : ""
                return "<span class=\"\(kind)\">\(escape(line))</span>"
            }.joined(separator: "\n") + "</pre>\n"
        }
        if let distribution = views.distribution {
            let bins = distribution.charted()
            h += barChart(labels: bins.map(\.label), series: [("baseline", bins.map { $0.baseline * 100 }), ("head", bins.map { $0.head * 100 })],
                          unit: "% of rows")
        }
        if let groups = views.groups {
            let keys = groups.columns
            if keys.contains("selection_rate") {
                h += barChart(labels: groups.texts("group"), series: [("selection rate", groups.numbers("selection_rate"))], unit: "")
            }
            h += "<table><thead><tr>" + keys.map { "<th>\(escape($0.replacingOccurrences(of: "_", with: " ")))</th>" }.joined() + "</tr></thead><tbody>"
            for group in groups.rows.prefix(100) {
                h += "<tr>" + keys.map { key -> String in
                    switch group[key] {
                    case .string(let text)?: return "<td>\(escape(text))</td>"
                    case .number(let value)?: return "<td>\(escape(Presentation.number(value)))</td>"
                    case .bool(let flag)?: return "<td>\(key == "judged" ? (flag ? "yes" : "insufficient data") : (flag ? "yes" : "no"))</td>"
                    default: return "<td>—</td>"
                    }
                }.joined() + "</tr>"
            }
            h += "</tbody></table>\n"
        }
        if let offending = views.offending {
            let keys = offending.columns
            h += "<table><thead><tr>" + keys.map { "<th>\(escape($0.replacingOccurrences(of: "_", with: " ")))</th>" }.joined() + "</tr></thead><tbody>"
            for row in offending.rows {
                h += "<tr>" + keys.map { key -> String in
                    switch row[key] {
                    case .string(let text)?: return "<td>\(escape(text))</td>"
                    case .number(let value)?: return "<td>\(escape(Presentation.number(value)))</td>"
                    default: return "<td>—</td>"
                    }
                }.joined() + "</tr>"
            }
            h += "</tbody></table>\n"
        }
        return h + "</section>\n"
    }

    /// What the PR changed and why: data lines, flips, slices, attributions, label issues.
    static func whatChanged(_ changed: WhatChanged) -> String {
        var h = "<h2>What changed</h2>\n<ul class=\"changed\">\n"
        for (file, summary) in changed.data { h += "<li><code>\(escape(file))</code>: \(escape(summary))</li>\n" }
        if let flips = changed.flips {
            h += "<li>\(badge(flips.status)) Negative flip rate \(escape(WhatChanged.rate(flips)))"
            h += flips.tolerance.map { " (error grew by more than \(escape(NumberText.number($0))))" } ?? ""
            h += "</li>\n"
        }
        if let why = changed.notCompared { h += "<li>\(badge(.skip)) Models not compared row by row: \(escape(why))</li>\n" }
        if let issues = changed.labelIssues { h += "<li>\(badge(issues.status)) \(escape(issues.message))</li>\n" }
        h += "</ul>\n"
        if let flips = changed.flips, flips.tolerance == nil {
            h += "<table><thead><tr><th></th><th>candidate right</th><th>candidate wrong</th></tr></thead><tbody>"
            h += "<tr><th>baseline right</th><td>\(flips.bothRight)</td><td>\(flips.broken)</td></tr>"
            h += "<tr><th>baseline wrong</th><td>\(flips.fixed)</td><td>\(flips.bothWrong)</td></tr></tbody></table>\n"
        }
        if !changed.slices.isEmpty {
            h += "<details open><summary>Where the candidate got worse</summary><table><thead><tr><th>slice</th><th>rows</th><th>baseline</th><th>candidate</th>"
            h += "<th>\(escape(changed.loss ?? "loss")) a row (95% CI)</th></tr></thead><tbody>\n"
            for slice in changed.slices {
                h += "<tr><td>\(escape(slice.text))</td><td>\(slice.rows)</td><td>\(escape(slice.metric)) \(escape(NumberText.number(slice.baseline, .fine)))</td>"
                h += "<td>\(escape(NumberText.number(slice.candidate, .fine)))</td><td>\(escape(WhatChanged.interval(slice)))</td></tr>\n"
            }
            h += "</tbody></table></details>\n"
        }
        if let attribution = changed.attribution, !attribution.features.isEmpty {
            h += "<details open><summary>Which features the models lean on (ranking shift \(escape(NumberText.number(attribution.shift))), 1 − nDCG)</summary>\n"
            h += barChart(labels: attribution.features.map(\.name),
                          series: [("baseline", attribution.features.map(\.baseline)), ("candidate", attribution.features.map(\.candidate))],
                          unit: "mean |contribution|")
            h += "</details>\n"
        }
        return h
    }

    /// Grouped vertical bars, one group a label, one colour a series.
    static func barChart(labels: [String], series: [(name: String, values: [Double])], unit: String) -> String {
        let shown = min(labels.count, 30)
        guard shown > 0 else { return "" }
        let top = max(series.flatMap { $0.values.prefix(shown) }.max() ?? 0, 1e-12) * 1.1
        let groupWidth = 48.0, barWidth = (groupWidth - 8) / Double(series.count)
        let width = 60 + Double(shown) * groupWidth, height = 240.0, plot = 160.0
        let colours = ["#8c8c8c", "#d9480f", "#1c7ed6"]
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\">"
        svg += "<line x1=\"50\" y1=\"10\" x2=\"50\" y2=\"\(Int(10 + plot))\" stroke=\"#999\"/><line x1=\"50\" y1=\"\(Int(10 + plot))\" x2=\"\(Int(width))\" y2=\"\(Int(10 + plot))\" stroke=\"#999\"/>"
        svg += "<text x=\"46\" y=\"18\" text-anchor=\"end\" class=\"axis\">\(escape(Presentation.number(top)))</text>"
        svg += "<text x=\"46\" y=\"\(Int(10 + plot))\" text-anchor=\"end\" class=\"axis\">0</text>"
        for i in 0..<shown {
            let x0 = 54 + Double(i) * groupWidth
            for (s, entry) in series.enumerated() {
                let value = i < entry.values.count ? entry.values[i] : 0
                let barHeight = max(0, value / top * plot)
                svg += "<rect x=\"\(format(x0 + Double(s) * barWidth))\" y=\"\(format(10 + plot - barHeight))\" width=\"\(format(barWidth - 2))\" height=\"\(format(barHeight))\" fill=\"\(colours[s % colours.count])\"><title>\(escape(entry.name)) \(escape(labels[i])): \(escape(Presentation.number(value)))\(escape(unit.isEmpty ? "" : " " + unit))</title></rect>"
            }
            let label = labels[i].count > 14 ? String(labels[i].prefix(13)) + "…" : labels[i]
            svg += "<text x=\"\(format(x0 + groupWidth / 2 - 4))\" y=\"\(Int(10 + plot + 14))\" text-anchor=\"end\" transform=\"rotate(-35 \(format(x0 + groupWidth / 2 - 4)) \(Int(10 + plot + 14)))\" class=\"axis\">\(escape(label))</text>"
        }
        svg += "</svg>"
        let legend = series.enumerated().map { "<span><i style=\"background:\(colours[$0.offset % colours.count])\"></i>\(escape($0.element.name))</span>" }.joined(separator: " ")
        return "<figure>\(svg)<figcaption>\(legend)\(unit.isEmpty ? "" : " · " + escape(unit))</figcaption></figure>\n"
    }

    private static func format(_ value: Double) -> String { value.formatted(decimals: 1) }

    private static func numbers(_ check: CheckResult) -> String {
        check.value == nil && check.baseline == nil ? "—"
            : "\(escape(Presentation.number(check.baseline))) → \(escape(Presentation.number(check.value)))"
    }

    private static func badge(_ status: Status) -> String {
        "<span class=\"badge \(status.rawValue)\">\(status.rawValue)</span>"
    }

    /// Text as HTML: the five characters that could open markup or end an attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    private static let style = """
    body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
    header{padding:16px 24px;color:#fff;background:#2b8a3e}header.warn{background:#e67700}header.fail,header.error{background:#c92a2a}header.skip{background:#495057}
    header h1{margin:0 0 4px;font-size:22px}header p{margin:2px 0}header code{color:#fff}.meta{opacity:.9}
    main{max-width:1100px;margin:0 auto;padding:8px 24px 24px}h2{margin-top:28px}
    table{border-collapse:collapse;margin:8px 0;background:#fff}th,td{border:1px solid #dee2e6;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f1f3f5}
    .card{background:#fff;border:1px solid #dee2e6;border-left:6px solid #adb5bd;border-radius:4px;padding:8px 16px;margin:12px 0}
    .card.fail,.card.error{border-left-color:#c92a2a}.card.warn{border-left-color:#e67700}.card h3{margin:6px 0;font-size:15px}
    .badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:12px;color:#fff;background:#2b8a3e}
    .badge.warn{background:#e67700}.badge.fail,.badge.error{background:#c92a2a}.badge.skip{background:#868e96}
    pre{background:#f1f3f5;padding:8px;overflow-x:auto}.diff .add{color:#2b8a3e}.diff .del{color:#c92a2a}
    .chart .axis{font-size:10px;fill:#555}figure{margin:8px 0}figcaption{font-size:12px;color:#555}
    figcaption i{display:inline-block;width:10px;height:10px;margin:0 4px 0 8px}footer{color:#868e96;padding:16px 24px}
    """
}
