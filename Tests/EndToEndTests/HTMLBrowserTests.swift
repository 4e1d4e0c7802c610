import FixtureRepos
import Foundation
import Testing

/// The HTML report as a person sees it: rendered by headless Chromium, its screenshot read back.
@Suite struct HTMLBrowserTests {
    func command(_ arguments: [String], in directory: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// The header's colour at its top-left corner, as (red, green, blue).
    func headerColour(_ png: String, in directory: String) throws -> [Int] {
        let read = try command(["python3", "-c", "import sys; from PIL import Image; print(*Image.open(sys.argv[1]).convert('RGB').getpixel((8, 8)))", png], in: directory)
        try #require(read.status == 0)
        return read.output.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    enum Header { case red, amber, green }

    @Test(arguments: [("schema-break", [String](), "mlgate: gate failed", Header.red),
                      ("model-clean", [], "mlgate: gate passed with warnings", .amber),  // an inconclusive slice AUC drop
                      ("clean", [], "mlgate: gate passed", .green)])
    func chromiumShowsTheVerdict(scenario: String, options: [String], verdict: String, header: Header) throws {
        let temp = try TemporaryDirectory("html")
        let built = try Scenario.named(scenario).build(at: temp.child("repo"))
        let html = temp.child("report.html")
        _ = try MLGateBinary.run(["check", "--html", html] + options, in: built.path)
        let browser = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,800"]
        let dom = try command(browser + ["--dump-dom", "file://\(html)"], in: temp.path)
        #expect(dom.status == 0 && dom.output.contains("<h1>\(verdict)</h1>"))
        let shot = try command(browser + ["--screenshot=\(temp.child("shot.png"))", "file://\(html)"], in: temp.path)
        #expect(shot.status == 0)
        let rgb = try headerColour(temp.child("shot.png"), in: temp.path)
        try #require(rgb.count == 3)
        // The header is red for a failed gate, amber for warnings, green for a clean pass.
        switch header {
        case .red: #expect(rgb[0] > 150 && rgb[1] < 90, "\(rgb)")
        case .amber: #expect(rgb[0] > 200 && (90...150).contains(rgb[1]) && rgb[2] < 60, "\(rgb)")
        case .green: #expect(rgb[1] > 100 && rgb[0] < 90, "\(rgb)")
        }
    }
}
