import CLibXML2

/// Validates XML against an XSD with libxml2, collecting every error message.
public enum XMLSchemaValidator {
    private final class Errors {
        var messages: [String] = []
    }

    /// The validation errors of `xml` against the schema at `schemaPath`; empty when valid.
    public static func validate(_ xml: [UInt8], schemaPath: String) -> [String] {
        let errors = Errors()
        let box = Unmanaged.passUnretained(errors).toOpaque()
        let collect: xmlStructuredErrorFunc = { context, error in
            guard let context, let error, let message = error.pointee.message else { return }
            let errors = Unmanaged<Errors>.fromOpaque(context).takeUnretainedValue()
            let text = trimmed(String(cString: message))
            errors.messages.append("line \(error.pointee.line): \(text)")
        }
        guard let parserContext = xmlSchemaNewParserCtxt(schemaPath) else { return ["cannot open schema \(schemaPath)"] }
        defer { xmlSchemaFreeParserCtxt(parserContext) }
        xmlSchemaSetParserStructuredErrors(parserContext, collect, box)
        guard let schema = xmlSchemaParse(parserContext) else { return ["cannot parse schema \(schemaPath)"] + errors.messages }
        defer { xmlSchemaFree(schema) }
        guard let validContext = xmlSchemaNewValidCtxt(schema) else { return ["cannot create a validation context"] }
        defer { xmlSchemaFreeValidCtxt(validContext) }
        xmlSchemaSetValidStructuredErrors(validContext, collect, box)
        let document = xml.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { xmlReadMemory($0.baseAddress, Int32($0.count), "report.xml", nil, 0) }
        }
        guard let document else { return ["not well-formed XML"] + errors.messages }
        defer { xmlFreeDoc(document) }
        let result = xmlSchemaValidateDoc(validContext, document)
        withExtendedLifetime(errors) {}
        if result != 0 && errors.messages.isEmpty { return ["invalid (libxml2 code \(result))"] }
        return errors.messages
    }
}

/// libxml2 ends its messages with a newline.
private func trimmed(_ text: String) -> String {
    var s = Substring(text)
    while let last = s.last, last.isWhitespace { s.removeLast() }
    return String(s)
}
