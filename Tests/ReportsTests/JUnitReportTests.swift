import Foundation
import GateKit
import Reports
import Testing
import XMLWriting

@Suite struct JUnitReportTests {
    static let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Schemas/junit-10.xsd").path

    @Test func validatesAgainstTheJUnitSchema() throws {
        let xml = try JUnitReport.render(ReportFixtures.report(extraChecks: 3))
        #expect(XMLSchemaValidator.validate(xml, schemaPath: Self.schema) == [])
    }

    @Test func theValidatorRejectsWhatTheSchemaForbids() {
        let invalid = Array("<?xml version=\"1.0\"?><testsuites><testsuite name=\"x\"><testcase/></testsuite></testsuites>".utf8)
        let errors = XMLSchemaValidator.validate(invalid, schemaPath: Self.schema)
        #expect(errors.contains { $0.contains("tests") })
        #expect(errors.contains { $0.contains("name") })
        #expect(XMLSchemaValidator.validate(Array("<a><b></a>".utf8), schemaPath: Self.schema).first == "not well-formed XML")
    }

    @Test func mapsStatusesToJUnitElementsWithCountsOnEverySuite() throws {
        let text = String(decoding: try JUnitReport.render(ReportFixtures.report()), as: UTF8.self)
        #expect(text.contains("<testsuites name=\"mlgate\" tests=\"6\" failures=\"2\" errors=\"1\" time=\"1.235\">"))
        #expect(text.contains("<testsuite name=\"mlgate.data-validation\" tests=\"5\" failures=\"1\" errors=\"1\" skipped=\"1\" time=\"0.500\">"))
        #expect(text.contains("<testcase classname=\"mlgate.data-validation\" name=\"drift/age\" time=\"0.000\">"))
        #expect(text.contains("<system-out>WARNING: Drift of age"))
        #expect(text.contains("<skipped message=\"no baseline data\"/>"))
        #expect(text.contains("<error type=\"mlgate.error\" message=\"could not hash rows: ünïcödé\">"))
        // Markup in messages is escaped, and control characters XML cannot carry are dropped.
        #expect(text.contains("&lt;b&gt;|&lt;/b&gt; &amp; &quot;quotes&quot;\""))
        #expect(!text.contains("\u{1}"))
    }
}
