import Foundation
import GateKit
import Reports
import Testing

@Suite struct JSONReportTests {
    @Test func followsTheReportSchema() throws {
        let text = JSONReport.render(ReportFixtures.report())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "mlgate.report/v1")
        #expect(Set(object.keys).isSuperset(of: ["tool", "base", "head", "merge_base", "status", "seed", "duration_seconds", "policy", "plugins"]))
        #expect(object["status"] as? String == "error")
        let plugins = try #require(object["plugins"] as? [[String: Any]])
        let check = try #require((plugins[1]["checks"] as? [[String: Any]])?.first)
        #expect(Set(check.keys).isSuperset(of: ["id", "status", "title", "message", "metric", "value", "baseline", "threshold", "details"]))
        #expect(check["value"] as? Double == 7 && check["threshold"] is NSNull)
    }

    @Test func isByteIdenticalForEqualReportsAndKeepsKeyOrder() {
        #expect(JSONReport.render(ReportFixtures.report()) == JSONReport.render(ReportFixtures.report()))
        let text = JSONReport.render(ReportFixtures.report())
        let order = ["\"schema\"", "\"tool\"", "\"base\"", "\"head\"", "\"merge_base\"", "\"status\"", "\"seed\"", "\"plugins\""]
        let positions = order.map { text.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
    }

    @Test func writesNumbersExactlyAndNonFiniteAsNull() {
        #expect(JSONEncoding.number(0.1) == "0.1")
        #expect(JSONEncoding.number(3) == "3")
        #expect(JSONEncoding.number(-2.5e-8) == "-2.5e-08")
        #expect(JSONEncoding.number(.nan) == "null" && JSONEncoding.number(.infinity) == "null")
        #expect(JSONEncoding.encode(["a\"\n\u{1}": "é"], pretty: false) == "{\"a\\\"\\n\\u0001\":\"é\"}")
    }
}

@Suite struct MarkdownReportTests {
    @Test func putsTheVerdictFirstAndFailuresBeforePasses() {
        let md = MarkdownReport.render(ReportFixtures.report())
        #expect(md.hasPrefix("## 🛑 mlgate: gate failed — 1 error, 2 failed, 1 warning, 1 passed, 1 skipped"))
        let error = md.range(of: "`data-validation/leakage`")!.lowerBound
        let fail = md.range(of: "`data-validation/schema`")!.lowerBound
        let warn = md.range(of: "`data-validation/drift/age`")!.lowerBound
        let pass = md.range(of: "`data-validation/rows`")!.lowerBound
        #expect(error < fail && fail < warn && warn < pass)
        #expect(md.contains("| 8 → 7 | −1 |"))
        #expect(md.contains("| 0 → 0.1412 | +0.1412 | 0.1 |"))
        #expect(md.contains("_(already at the baseline)_"))
        #expect(md.contains("```diff\n-     fail: 0.25\n+     fail: 0.9\n```"))
        #expect(md.contains("```sh\nmlgate check --base aaaaaaaaaaaa --head bbbbbbbbbbbb --seed 42\n```"))
        // User text cannot break the table or inject HTML.
        #expect(md.contains("&lt;b>\\|&lt;/b>"))
    }

    @Test func drawsDriftBinsAsAChartAndATable() {
        var report = ReportFixtures.report()
        let bins: JSONValue = .array([
            .object([("bin", "≤ 10"), ("baseline", 0.5), ("head", 0.2), ("contribution", 0.27)]),
            .object([("bin", "> 10"), ("baseline", 0.5), ("head", 0.8), ("contribution", 0.14)]),
        ])
        report.plugins[1].checks.append(CheckResult(id: "data-validation/drift/x", status: .fail, title: "Drift of x", message: "PSI 0.41",
                                                    metric: "psi", value: 0.41, threshold: 0.25,
                                                    details: .object([("psi", 0.41), ("ks_pvalue", 1e-9), ("bins", bins)])))
        let md = MarkdownReport.render(report)
        #expect(md.contains("```mermaid\nxychart-beta\n    title \"Drift of x: % of rows per bin (bars: head, line: baseline)\""))
        #expect(md.contains("    x-axis [\"≤ 10\", \"> 10\"]\n    y-axis \"% of rows\" 0 --> 88\n    bar [20, 80]\n    line [50, 50]"))
        #expect(md.contains("| ≤ 10 | 50.00% | 20.00% | −30.00 pts |"))
        #expect(md.contains("psi 0.41 · ks_pvalue < 0.0001"))
    }

    @Test func showsFairnessGroupsAsATable() {
        var report = ReportFixtures.report()
        let groups: JSONValue = .array([
            .object([("group", "female"), ("size", 700), ("selection_rate", 0.42), ("judged", true)]),
            .object([("group", "x"), ("size", 3), ("selection_rate", 1.0), ("judged", false)]),
        ])
        report.plugins[1].checks.append(CheckResult(id: "fairness/demographic_parity_difference/sex", status: .fail, title: "dpd by sex",
                                                    message: "too high", details: .object([("groups", groups)])))
        let md = MarkdownReport.render(report)
        #expect(md.contains("| group | size | selection rate | judged |\n|---|--:|--:|--:|\n| female | 700 | 0.42 | yes |\n| x | 3 | 1 | insufficient data |"))
        #expect(md.contains("    bar [0.42, 1]"))
    }

    @Test func staysUnderGitHubsCommentLimitAndSaysWhatWasCut() {
        let md = MarkdownReport.render(ReportFixtures.report(extraChecks: 3000))
        #expect(md.count <= MarkdownReport.characterLimit)
        #expect(md.contains("were cut to stay under GitHub's comment limit"))
        #expect(md.hasPrefix("## 🛑 mlgate: gate failed"))
    }
}

@Suite struct TextSummaryTests {
    @Test func fitsOneScreenWithWorstFirst() {
        let text = TextSummary.render(ReportFixtures.report())
        let lines = text.split(separator: "\n")
        #expect(lines.first == "mlgate 0.1.0: gate failed (exit 1)")
        #expect(lines[2].hasPrefix("  ERROR data-validation/leakage"))
        #expect(lines.contains("6 checks: 1 error, 2 failed, 1 warning, 1 passed, 1 skipped"))
        #expect(lines.count < 25)
    }
}

@Suite struct HTMLReportTests {
    @Test func isSelfContainedAndEscapesWhatUsersWrote() {
        var report = ReportFixtures.report()
        let bins: JSONValue = .array([.object([("bin", "≤ 10"), ("baseline", 0.5), ("head", 0.2)]), .object([("bin", "> 10"), ("baseline", 0.5), ("head", 0.8)])])
        report.plugins[1].checks.append(CheckResult(id: "data-validation/drift/x", status: .fail, title: "Drift of x", message: "PSI 0.41",
                                                    metric: "psi", value: 0.41, threshold: 0.25, details: .object([("bins", bins)])))
        let html = HTMLReport.render(report)
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("<title>mlgate: gate failed</title>"))
        #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://") && !html.contains("src="))
        #expect(html.contains("removed column &#39;credit_score&#39; &lt;b&gt;|&lt;/b&gt; &amp; &quot;quotes&quot;"))
        #expect(html.contains("<svg class=\"chart\"") && html.contains("<title>head &gt; 10: 80 % of rows</title>"))
        #expect(html.contains("<span class=\"add\">+     fail: 0.9</span>"))
        #expect(html.contains("<pre>mlgate check --base aaaaaaaaaaaa --head bbbbbbbbbbbb --seed 42</pre>"))
    }

    @Test func staysSmallForLargeReports() {
        #expect(HTMLReport.render(ReportFixtures.report(extraChecks: 3000)).utf8.count < 2_000_000)
    }
}

/// With more categories than a chart can show, the chart shows those that moved PSI most.
@Suite struct DriftChartTests {
    @Test func manyCategoriesChartTheLargestContributors() {
        let bins: [JSONValue] = (0..<40).map { i in
            .object([("bin", .string("level\(i)")), ("baseline", .number(0.025)), ("head", .number(i == 39 ? 0.05 : 0.024)),
                     ("contribution", .number(i == 39 ? 0.0173 : 0.00004))])
        }
        let check = CheckResult(id: "data-validation/drift/city", status: .warn, title: "Drift of city", message: "PSI 0.12",
                                metric: "psi", value: 0.12, threshold: 0.1, details: .object([("psi", .number(0.12)), ("bins", .array(bins))]))
        var report = ReportFixtures.report()
        report.plugins[1].checks = [check]
        let markdown = MarkdownReport.render(report)
        #expect(markdown.contains("\"level39\""), "the largest contributor is charted though it is the 40th bin")
        #expect(markdown.contains("The 30 bins that contribute most to PSI; 10 more in the JSON report."))
        let html = HTMLReport.render(report)
        #expect(html.contains("level39"))
    }
}

/// Annotations carry text from the repository: none of it may end the command and start another.
@Suite struct GitHubAnnotationsTests {
    @Test func repositoryTextCannotStartAWorkflowCommand() {
        var report = ReportFixtures.report()
        report.configPath = "ci/mlgate,v2.yml"
        report.plugins[1].checks = [
            CheckResult(id: "data-validation/nulls/evil\n::error::owned", status: .fail, title: "t",
                        message: "50% missing\n::add-mask::secret %0A", details: .object([("file", .string("data/a:b.csv"))])),
            CheckResult(id: "data-validation/rows", status: .warn, title: "t", message: "rows"),
            CheckResult(id: "data-validation/drift/x", status: .pass, title: "t", message: "fine"),
        ]
        let lines = GitHubAnnotations.render(report).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 3, "policy/changed fails, one fail, one warn: \(lines)")
        #expect(lines.allSatisfy { $0.hasPrefix("::error ") || $0.hasPrefix("::warning ") })
        #expect(lines.contains("::error file=data/a%3Ab.csv,title=data-validation/nulls/evil%0A%3A%3Aerror%3A%3Aowned::50%25 missing%0A::add-mask::secret %250A"))
        #expect(lines.contains("::warning file=ci/mlgate%2Cv2.yml,title=data-validation/rows::rows"))
    }
}

/// Text from the repository in a PR comment is inert: no image, link, mention, HTML, broken
/// table or escaped code fence (issue #18).
@Suite struct MarkdownInjectionTests {
    @Test func repositoryTextCannotAddMarkupToThePRComment() {
        var report = ReportFixtures.report()
        report.plugins[1].checks = [
            CheckResult(id: "data-validation/nulls/a`b|c\nd", status: .fail, title: "Nulls of ![x](https://evil.example/p.png)",
                        message: "ping @octocat, see [here](https://evil.example) <img src=x> | cell\nnew line",
                        details: .object([("diff", .strings(["```", "![pwn](https://evil.example/a.png)"]))])),
        ]
        let md = MarkdownReport.render(report)
        // Outside code blocks (inside one, text is shown as it is and inert).
        var prose = md
        while let open = prose.range(of: "````diff"), let close = prose.range(of: "\n````\n", range: open.upperBound..<prose.endIndex) {
            prose.removeSubrange(open.lowerBound..<close.upperBound)
        }
        #expect(!prose.contains("![x]") && !prose.contains("](https://") && !prose.contains("[here]"))
        #expect(!prose.contains("@octocat") && prose.contains("@\u{200B}octocat"))
        #expect(!prose.contains("<img") && !prose.contains("https://evil"))
        #expect(md.contains("``data-validation/nulls/a`b\\|c d``"), "an id with a backtick stays one code span")
        // The diff's own fence is longer than any run of backticks inside it.
        #expect(md.contains("````diff\n```\n![pwn](https://evil.example/a.png)\n````"))
        let bullet = md.split(separator: "\n").first { $0.contains("ping") } ?? ""
        #expect(bullet.contains("new line"), "a newline in a message does not end the bullet")
    }
}
