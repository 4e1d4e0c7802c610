/// The parts of a Parquet file's footer and page headers the reader uses, decoded from Thrift
/// (parquet-format's `parquet.thrift`: field ids as written there).
enum Parquet {
    enum PhysicalType: Int32 {
        case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7
    }

    enum Repetition: Int32 { case required = 0, optional = 1, repeated = 2 }

    enum Codec: Int32 {
        case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7
    }

    enum Encoding: Int32 {
        case plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, deltaBinaryPacked = 5, deltaLengthByteArray = 6
        case deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9
    }

    enum PageType: Int32 { case data = 0, index = 1, dictionary = 2, dataV2 = 3 }

    /// What a column's values mean beyond their physical type: the logical type, or the older
    /// converted type a writer set instead.
    enum Meaning: Equatable {
        case none, string, enumeration, json, uuid, float16
        case date
        /// Units per second: 1,000 (millis), 1,000,000 (micros), 1,000,000,000 (nanos).
        case timestamp(perSecond: Int64)
        case time(perSecond: Int64)
        case decimal(scale: Int32, precision: Int32)
        case integer(bits: Int32, signed: Bool)
        /// Lists, maps and other nesting: not a flat column.
        case nested(String)
    }

    struct SchemaElement {
        var name = ""
        var type: PhysicalType?
        var typeLength: Int32 = 0
        var repetition: Repetition = .required
        var children: Int32 = 0
        var converted: Int32?
        var scale: Int32 = 0
        var precision: Int32 = 0
        var logical: Meaning?

        /// The logical type, else the converted type's meaning.
        var meaning: Meaning {
            if let logical { return logical }
            switch converted {
            case 0?: return .string
            case 1?, 2?: return .nested("map")
            case 3?: return .nested("list")
            case 4?: return .enumeration
            case 5?: return .decimal(scale: scale, precision: precision)
            case 6?: return .date
            case 7?: return .time(perSecond: 1_000)
            case 8?: return .time(perSecond: 1_000_000)
            case 9?: return .timestamp(perSecond: 1_000)
            case 10?: return .timestamp(perSecond: 1_000_000)
            case 11?: return .integer(bits: 8, signed: false)
            case 12?: return .integer(bits: 16, signed: false)
            case 13?: return .integer(bits: 32, signed: false)
            case 14?: return .integer(bits: 64, signed: false)
            case 15?, 16?, 17?, 18?: return .integer(bits: 64, signed: true)
            case 19?: return .json
            default: return .none
            }
        }
    }

    struct ColumnChunk {
        var type: PhysicalType?
        var codec: Codec = .uncompressed
        var path: [String] = []
        var valueCount: Int64 = 0
        var compressedSize: Int64 = 0
        var dataPageOffset: Int64 = -1
        var dictionaryPageOffset: Int64?
        /// A chunk kept in another file (`file_path`): not read.
        var externalFile: String?
    }

    struct RowGroup {
        var columns: [ColumnChunk] = []
        var rows: Int64 = 0
    }

    struct FileMetadata {
        var schema: [SchemaElement] = []
        var rows: Int64 = 0
        var rowGroups: [RowGroup] = []
    }

    struct PageHeader {
        var type: PageType?
        var uncompressedSize: Int32 = 0
        var compressedSize: Int32 = 0
        // Data page (v1 and v2) and dictionary page.
        var valueCount: Int32 = 0
        var encoding: Encoding?
        var definitionEncoding: Encoding?
        // v2 only.
        var nullCount: Int32 = 0
        var rowCount: Int32 = 0
        var definitionBytes: Int32 = 0
        var repetitionBytes: Int32 = 0
        var compressed = true
    }

    // MARK: Decoding

    static func fileMetadata(_ reader: inout ThriftCompact) throws(ThriftCompact.Malformed) -> FileMetadata {
        var meta = FileMetadata()
        try reader.structure { r, id, type throws(ThriftCompact.Malformed) in
            switch (id, type) {
            case (2, .list): try r.list { r, _ throws(ThriftCompact.Malformed) in meta.schema.append(try schemaElement(&r)) }
            case (3, _): meta.rows = try r.integer(type)
            case (4, .list): try r.list { r, _ throws(ThriftCompact.Malformed) in meta.rowGroups.append(try rowGroup(&r)) }
            default: try r.skip(type)
            }
        }
        return meta
    }

    static func schemaElement(_ reader: inout ThriftCompact) throws(ThriftCompact.Malformed) -> SchemaElement {
        var element = SchemaElement()
        try reader.structure { r, id, type throws(ThriftCompact.Malformed) in
            switch (id, type) {
            case (1, _): element.type = PhysicalType(rawValue: Int32(truncatingIfNeeded: try r.integer(type)))
            case (2, _): element.typeLength = Int32(truncatingIfNeeded: try r.integer(type))
            case (3, _): element.repetition = Repetition(rawValue: Int32(truncatingIfNeeded: try r.integer(type))) ?? .required
            case (4, .binary): element.name = try r.string()
            case (5, _): element.children = Int32(truncatingIfNeeded: try r.integer(type))
            case (6, _): element.converted = Int32(truncatingIfNeeded: try r.integer(type))
            case (7, _): element.scale = Int32(truncatingIfNeeded: try r.integer(type))
            case (8, _): element.precision = Int32(truncatingIfNeeded: try r.integer(type))
            case (10, .structure): element.logical = try logicalType(&r)
            default: try r.skip(type)
            }
        }
        return element
    }

    /// The `LogicalType` union: one field set, some with a struct of parameters.
    static func logicalType(_ reader: inout ThriftCompact) throws(ThriftCompact.Malformed) -> Meaning {
        var meaning = Meaning.none
        try reader.structure { r, id, type throws(ThriftCompact.Malformed) in
            switch id {
            case 1: meaning = .string; try r.skip(type)
            case 2: meaning = .nested("map"); try r.skip(type)
            case 3: meaning = .nested("list"); try r.skip(type)
            case 4: meaning = .enumeration; try r.skip(type)
            case 5:
                var scale: Int32 = 0, precision: Int32 = 0
                try r.structure { r, id, type throws(ThriftCompact.Malformed) in
                    switch id {
                    case 1: scale = Int32(truncatingIfNeeded: try r.integer(type))
                    case 2: precision = Int32(truncatingIfNeeded: try r.integer(type))
                    default: try r.skip(type)
                    }
                }
                meaning = .decimal(scale: scale, precision: precision)
            case 6: meaning = .date; try r.skip(type)
            case 7, 8:
                var perSecond: Int64 = 1_000
                try r.structure { r, id, type throws(ThriftCompact.Malformed) in
                    if id == 2, type == .structure {
                        try r.structure { r, unit, type throws(ThriftCompact.Malformed) in
                            perSecond = unit == 1 ? 1_000 : unit == 2 ? 1_000_000 : 1_000_000_000
                            try r.skip(type)
                        }
                    } else {
                        try r.skip(type)
                    }
                }
                meaning = id == 7 ? .time(perSecond: perSecond) : .timestamp(perSecond: perSecond)
            case 10:
                var bits: Int32 = 64, signed = true
                try r.structure { r, id, type throws(ThriftCompact.Malformed) in
                    switch id {
                    case 1: bits = Int32(truncatingIfNeeded: try r.integer(type))
                    case 2: signed = try r.bool(type)
                    default: try r.skip(type)
                    }
                }
                meaning = .integer(bits: bits, signed: signed)
            case 12: meaning = .json; try r.skip(type)
            case 14: meaning = .uuid; try r.skip(type)
            case 15: meaning = .float16; try r.skip(type)
            default: try r.skip(type)
            }
        }
        return meaning
    }

    static func rowGroup(_ reader: inout ThriftCompact) throws(ThriftCompact.Malformed) -> RowGroup {
        var group = RowGroup()
        try reader.structure { r, id, type throws(ThriftCompact.Malformed) in
            switch (id, type) {
            case (1, .list): try r.list { r, _ throws(ThriftCompact.Malformed) in group.columns.append(try columnChunk(&r)) }
            case (3, _): group.rows = try r.integer(type)
            default: try r.skip(type)
            }
        }
        return group
    }

    static func columnChunk(_ reader: inout ThriftCompact) throws(ThriftCompact.Malformed) -> ColumnChunk {
        var chunk = ColumnChunk()
        try reader.structure { r, id, type throws(ThriftCompact.Malformed) in
            switch (id, type) {
            case (1, .binary): chunk.externalFile = try r.string()
            case (3, .structure):
                try r.structure { r, id, type throws(ThriftCompact.Malformed) in
                    switch (id, type) {
                    case (1, _): chunk.type = PhysicalType(rawValue: Int32(truncatingIfNeeded: try r.integer(type)))
                    case (3, .list): try r.list { r, type throws(ThriftCompact.Malformed) in
                        if type == .binary { chunk.path.append(try r.string()) } else { try r.skip(type) }
                    }
                    case (4, _):
                        let raw = Int32(truncatingIfNeeded: try r.integer(type))
                        guard let codec = Codec(rawValue: raw) else { throw ThriftCompact.Malformed(reason: "unknown compression codec \(raw)") }
                        chunk.codec = codec
                    case (5, _): chunk.valueCount = try r.integer(type)
                    case (7, _): chunk.compressedSize = try r.integer(type)
                    case (9, _): chunk.dataPageOffset = try r.integer(type)
                    case (11, _): chunk.dictionaryPageOffset = try r.integer(type)
                    default: try r.skip(type)
                    }
                }
            default: try r.skip(type)
            }
        }
        return chunk
    }

    static func pageHeader(_ reader: inout ThriftCompact) throws(ThriftCompact.Malformed) -> PageHeader {
        var page = PageHeader()
        func encoding(_ r: inout ThriftCompact, _ type: ThriftCompact.FieldType) throws(ThriftCompact.Malformed) -> Encoding {
            let raw = Int32(truncatingIfNeeded: try r.integer(type))
            guard let encoding = Encoding(rawValue: raw) else { throw ThriftCompact.Malformed(reason: "unknown encoding \(raw)") }
            return encoding
        }
        try reader.structure { r, id, type throws(ThriftCompact.Malformed) in
            switch (id, type) {
            case (1, _): page.type = PageType(rawValue: Int32(truncatingIfNeeded: try r.integer(type)))
            case (2, _): page.uncompressedSize = Int32(truncatingIfNeeded: try r.integer(type))
            case (3, _): page.compressedSize = Int32(truncatingIfNeeded: try r.integer(type))
            case (5, .structure):
                try r.structure { r, id, type throws(ThriftCompact.Malformed) in
                    switch id {
                    case 1: page.valueCount = Int32(truncatingIfNeeded: try r.integer(type))
                    case 2: page.encoding = try encoding(&r, type)
                    case 3: page.definitionEncoding = try encoding(&r, type)
                    default: try r.skip(type)
                    }
                }
            case (7, .structure):
                try r.structure { r, id, type throws(ThriftCompact.Malformed) in
                    switch id {
                    case 1: page.valueCount = Int32(truncatingIfNeeded: try r.integer(type))
                    case 2: page.encoding = try encoding(&r, type)
                    default: try r.skip(type)
                    }
                }
            case (8, .structure):
                try r.structure { r, id, type throws(ThriftCompact.Malformed) in
                    switch id {
                    case 1: page.valueCount = Int32(truncatingIfNeeded: try r.integer(type))
                    case 2: page.nullCount = Int32(truncatingIfNeeded: try r.integer(type))
                    case 3: page.rowCount = Int32(truncatingIfNeeded: try r.integer(type))
                    case 4: page.encoding = try encoding(&r, type)
                    case 5: page.definitionBytes = Int32(truncatingIfNeeded: try r.integer(type))
                    case 6: page.repetitionBytes = Int32(truncatingIfNeeded: try r.integer(type))
                    case 7: page.compressed = try r.bool(type)
                    default: try r.skip(type)
                    }
                }
            default: try r.skip(type)
            }
        }
        return page
    }
}
