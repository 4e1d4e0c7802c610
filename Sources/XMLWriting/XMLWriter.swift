import CLibXML2

/// Writes an XML document through libxml2's `xmlTextWriter`, which escapes text and attribute
/// values and balances elements: reports are never assembled by string interpolation.
///
/// Owns its writer and buffer and frees both, whatever happens.
public final class XMLWriter {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let buffer: xmlBufferPtr
    private let writer: xmlTextWriterPtr

    public init(indent: Bool = true) throws {
        guard let buffer = xmlBufferCreate() else { throw Failure(description: "libxml2 could not allocate a buffer") }
        guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
            xmlBufferFree(buffer)
            throw Failure(description: "libxml2 could not create a writer")
        }
        self.buffer = buffer
        self.writer = writer
        if indent {
            xmlTextWriterSetIndent(writer, 1)
            _ = "  ".withCString { xmlTextWriterSetIndentString(writer, $0) }
        }
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "start the document")
    }

    deinit {
        xmlFreeTextWriter(writer)
        xmlBufferFree(buffer)
    }

    private func check(_ code: Int32, _ action: String) throws {
        if code < 0 { throw Failure(description: "libxml2 could not \(action)") }
    }

    public func startElement(_ name: String) throws {
        try check(xmlTextWriterStartElement(writer, name), "open <\(name)>")
    }

    public func attribute(_ name: String, _ value: String) throws {
        try check(xmlTextWriterWriteAttribute(writer, name, Self.clean(value)), "write attribute \(name)")
    }

    public func text(_ value: String) throws {
        try check(xmlTextWriterWriteString(writer, Self.clean(value)), "write text")
    }

    public func endElement() throws {
        try check(xmlTextWriterEndElement(writer), "close an element")
    }

    /// An element with attributes and optional text, opened and closed.
    public func element(_ name: String, attributes: [(String, String)] = [], text: String? = nil) throws {
        try startElement(name)
        for (key, value) in attributes { try attribute(key, value) }
        if let text { try self.text(text) }
        try endElement()
    }

    /// Ends the document and returns its bytes.
    public func finish() throws -> [UInt8] {
        try check(xmlTextWriterEndDocument(writer), "end the document")
        try check(xmlTextWriterFlush(writer), "flush")
        guard let content = xmlBufferContent(buffer) else { return [] }
        let length = Int(xmlBufferLength(buffer))
        return Array(UnsafeBufferPointer(start: content, count: length))
    }

    /// XML 1.0 cannot carry most control characters, even escaped: drop them.
    static func clean(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" || $0.value == 0xFFFE || $0.value == 0xFFFF }) else {
            return value
        }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: value.unicodeScalars.filter { !($0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r") && $0.value != 0xFFFE && $0.value != 0xFFFF })
        return String(scalars)
    }
}
