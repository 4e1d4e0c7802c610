/// Decodes one column chunk — its dictionary page, then its data pages (v1 and v2) — into the
/// values of one column of one row group.
struct ChunkDecoder {
    typealias Malformed = ParquetDecoding.Malformed

    let file: String
    let bytes: UnsafeBufferPointer<UInt8>
    let chunk: Parquet.ColumnChunk
    let element: Parquet.SchemaElement
    let target: Target
    let rows: Int
    /// The most bytes a page may decompress to.
    let limit: Int

    func decode() throws(Malformed) -> ChunkValues {
        // An empty row group's chunk may point nowhere (pyarrow writes offset 0): nothing to read.
        guard rows > 0 else { return Sink(target: target, capacity: 0).finish() }
        if let external = chunk.externalFile { throw Malformed(reason: "its data is in another file ('\(external)'), which mlgate does not read") }
        guard let physical = chunk.type ?? element.type, physical == target.physical else {
            throw Malformed(reason: "the chunk's type is not the schema's")
        }
        // Writers disagree on whether a chunk without a dictionary sets its offset (some write 0).
        var start = Int(chunk.dataPageOffset)
        if let dictionary = chunk.dictionaryPageOffset, dictionary > 0, dictionary < chunk.dataPageOffset { start = Int(dictionary) }
        let size = Int(chunk.compressedSize)
        guard start >= 4, size >= 0, start <= bytes.count - 8, size <= bytes.count - 8 - start else {
            throw Malformed(reason: "the chunk's pages lie outside the file (offset \(start), \(size) bytes)")
        }
        let region = UnsafeBufferPointer(rebasing: bytes[start..<start + size])
        let maxDefinition = element.repetition == .optional ? 1 : 0
        var sink = Sink(target: target, capacity: rows)
        var dictionary: Sink?
        var offset = 0
        while sink.count < rows {
            guard offset < region.count else { throw Malformed(reason: "the chunk ends after \(sink.count) of its \(rows) values") }
            var reader = ThriftCompact(region, at: offset)
            let header: Parquet.PageHeader
            do { header = try Parquet.pageHeader(&reader) } catch { throw Malformed(reason: "a page header is damaged: \(error.reason)") }
            let bodySize = Int(header.compressedSize)
            guard bodySize >= 0, bodySize <= region.count - reader.offset, header.uncompressedSize >= 0 else {
                throw Malformed(reason: "a page claims \(bodySize) bytes, more than its chunk holds")
            }
            guard Int(header.uncompressedSize) <= limit else {
                throw Malformed(reason: "a page claims to decompress to \(header.uncompressedSize >> 20) MiB, more than this run may use")
            }
            let body = UnsafeBufferPointer(rebasing: region[reader.offset..<reader.offset + bodySize])
            offset = reader.offset + bodySize
            switch header.type {
            case .dictionary?:
                guard dictionary == nil, sink.count == 0 else { throw Malformed(reason: "a second dictionary page, or one after data") }
                let page = try ParquetCompression.decompress(body, codec: chunk.codec, size: Int(header.uncompressedSize))
                // Every PLAIN value takes a bit at least: a count beyond that is a lie, not a size to allocate.
                let count = Int(header.valueCount)
                guard count >= 0, count <= page.count * 8 else { throw Malformed(reason: "a dictionary claims \(count) values in \(page.count) bytes") }
                var entries = Sink(target: target, capacity: count, recordingEntries: true)
                try page.withUnsafeBufferPointer { page throws(Malformed) in
                    var input = ParquetDecoding.Bytes(page)
                    try plainValues(&input, count: count, physical: physical) { value in entries.append(value) }
                }
                dictionary = entries
                sink.adoptInterner(of: entries)
            case .data?:
                let page = try ParquetCompression.decompress(body, codec: chunk.codec, size: Int(header.uncompressedSize))
                try page.withUnsafeBufferPointer { page throws(Malformed) in
                    var input = ParquetDecoding.Bytes(page)
                    let count = Int(header.valueCount)
                    guard count >= 0, count <= rows - sink.count else { throw Malformed(reason: "a page holds more values than the row group has rows") }
                    var definitions: [UInt32] = []
                    if maxDefinition > 0 {
                        switch header.definitionEncoding ?? .rle {
                        case .rle:
                            let length = Int(try input.uint32())
                            var levels = ParquetDecoding.Bytes(try input.take(length))
                            try ParquetDecoding.hybrid(&levels, bitWidth: 1, count: count, into: &definitions)
                        case .bitPacked:
                            let packed = try input.take((count + 7) / 8)
                            ParquetDecoding.unpack(packed, bitWidth: 1, count: count, into: &definitions)
                        default: throw Malformed(reason: "definition levels in encoding \(header.definitionEncoding!)")
                        }
                    }
                    try values(&input, count: count, definitions: definitions, encoding: header.encoding, physical: physical,
                               dictionary: dictionary, into: &sink)
                }
            case .dataV2?:
                let count = Int(header.valueCount), definitionBytes = Int(header.definitionBytes), repetitionBytes = Int(header.repetitionBytes)
                guard count >= 0, count <= rows - sink.count else { throw Malformed(reason: "a page holds more values than the row group has rows") }
                guard repetitionBytes >= 0, definitionBytes >= 0, repetitionBytes + definitionBytes <= body.count,
                      Int(header.uncompressedSize) >= repetitionBytes + definitionBytes else {
                    throw Malformed(reason: "a page's level sizes exceed the page")
                }
                var definitions: [UInt32] = []
                if maxDefinition > 0 {
                    var levels = ParquetDecoding.Bytes(UnsafeBufferPointer(rebasing: body[repetitionBytes..<repetitionBytes + definitionBytes]))
                    try ParquetDecoding.hybrid(&levels, bitWidth: 1, count: count, into: &definitions)
                }
                let rest = UnsafeBufferPointer(rebasing: body[(repetitionBytes + definitionBytes)...])
                let valuesSize = Int(header.uncompressedSize) - repetitionBytes - definitionBytes
                let page = header.compressed ? try ParquetCompression.decompress(rest, codec: chunk.codec, size: valuesSize)
                                             : try ParquetCompression.decompress(rest, codec: .uncompressed, size: valuesSize)
                try page.withUnsafeBufferPointer { page throws(Malformed) in
                    var input = ParquetDecoding.Bytes(page)
                    try values(&input, count: count, definitions: definitions, encoding: header.encoding, physical: physical,
                               dictionary: dictionary, into: &sink)
                }
            case .index?, nil:
                continue
            }
        }
        return sink.finish()
    }

    /// A data page's values: `count` slots, the ones whose definition level is 0 missing.
    private func values(_ input: inout ParquetDecoding.Bytes, count: Int, definitions: [UInt32], encoding: Parquet.Encoding?,
                        physical: Parquet.PhysicalType, dictionary: Sink?, into sink: inout Sink) throws(Malformed) {
        var present = count
        if !definitions.isEmpty {
            present = 0
            for d in definitions where d != 0 { present += 1 }
        }
        // Fast paths: plain numbers straight into the column, dictionary indices gathered.
        if encoding ?? .plain == .plain, target.kind == .numeric, target.meaning == .none,
           physical == .double || physical == .float || physical == .int64 || physical == .int32 {
            let width = physical == .double || physical == .int64 ? 8 : 4
            let raw = UnsafeRawBufferPointer(try input.take(present * width))
            // One loop a type, so each is a straight conversion the compiler can vectorise.
            let numbers = [Double](unsafeUninitializedCapacity: present) { out, initialised in
                switch physical {
                case .double:
                    for i in 0..<present { out[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) }
                case .int64:
                    for i in 0..<present { out[i] = Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
                case .float:
                    for i in 0..<present { out[i] = Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))) }
                default:
                    for i in 0..<present { out[i] = Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
                }
                initialised = present
            }
            guard definitions.isEmpty || definitions.count == count else { throw Malformed(reason: "a page's values and definition levels disagree") }
            numbers.withUnsafeBufferPointer { sink.appendNumbers($0, definitions: definitions) }
            return
        }
        if encoding == .plainDictionary || encoding == .rleDictionary {
            guard let dictionary else { throw Malformed(reason: "dictionary-encoded values without a dictionary page") }
            let width = Int(try input.byte())
            var indices: [UInt32] = []
            try ParquetDecoding.hybrid(&input, bitWidth: width, count: present, into: &indices)
            let entries = UInt32(dictionary.count)
            for index in indices where index >= entries {
                throw Malformed(reason: "a dictionary index \(index) past the dictionary's \(entries) values")
            }
            sink.appendEntries(indices, of: dictionary, definitions: definitions)
            return
        }
        var weave = NullWeaver(definitions: definitions)
        switch encoding ?? .plain {
        case .plain:
            try plainValues(&input, count: present, physical: physical) { value in
                weave.nullsBefore(into: &sink)
                sink.append(value)
            }
        case .plainDictionary, .rleDictionary:
            break   // handled above
        case .rle:
            guard physical == .boolean else { throw Malformed(reason: "RLE-encoded values of a \(physical) column") }
            let length = Int(try input.uint32())
            var runs = ParquetDecoding.Bytes(try input.take(length))
            var bits: [UInt32] = []
            try ParquetDecoding.hybrid(&runs, bitWidth: 1, count: present, into: &bits)
            for bit in bits {
                weave.nullsBefore(into: &sink)
                sink.append(.boolean(bit != 0))
            }
        case .deltaBinaryPacked:
            guard physical == .int32 || physical == .int64 else { throw Malformed(reason: "DELTA_BINARY_PACKED values of a \(physical) column") }
            let integers = try ParquetDecoding.deltaBinaryPacked(&input, limit: present)
            guard integers.count == present else { throw Malformed(reason: "\(integers.count) delta-packed values for \(present)") }
            for v in integers {
                weave.nullsBefore(into: &sink)
                sink.append(.integer(physical == .int32 ? Int64(Int32(truncatingIfNeeded: v)) : v))
            }
        case .deltaLengthByteArray, .deltaByteArray:
            guard physical == .byteArray || physical == .fixedLenByteArray else {
                throw Malformed(reason: "\(encoding!) values of a \(physical) column")
            }
            if encoding == .deltaLengthByteArray {
                try ParquetDecoding.deltaLengthByteArrays(&input, count: present) { value in
                    weave.nullsBefore(into: &sink)
                    sink.append(.bytes(value))
                }
            } else {
                try ParquetDecoding.deltaByteArrays(&input, count: present) { value in
                    weave.nullsBefore(into: &sink)
                    sink.append(.bytes(value))
                }
            }
        case .byteStreamSplit:
            guard physical == .float || physical == .double else { throw Malformed(reason: "BYTE_STREAM_SPLIT values of a \(physical) column") }
            var reals: [Double] = []
            try ParquetDecoding.byteStreamSplit(&input, count: present, width: physical == .float ? 4 : 8, into: &reals)
            for v in reals {
                weave.nullsBefore(into: &sink)
                sink.append(.real(v))
            }
        case .bitPacked:
            throw Malformed(reason: "BIT_PACKED values (only levels may use it)")
        }
        guard weave.rest(into: &sink), definitions.isEmpty || weave.consumed == count else {
            throw Malformed(reason: "a page's values and definition levels disagree")
        }
    }

    /// `count` PLAIN values of `physical`, each handed to `body`.
    private func plainValues(_ input: inout ParquetDecoding.Bytes, count: Int, physical: Parquet.PhysicalType,
                             _ body: (Sink.Value) -> Void) throws(Malformed) {
        switch physical {
        case .boolean:
            let packed = try input.take((count + 7) / 8)
            for i in 0..<count { body(.boolean(packed[i >> 3] >> UInt8(i & 7) & 1 != 0)) }
        case .int32:
            let raw = try input.take(count * 4)
            for i in 0..<count {
                let bits = UInt32(raw[4 * i]) | UInt32(raw[4 * i + 1]) << 8 | UInt32(raw[4 * i + 2]) << 16 | UInt32(raw[4 * i + 3]) << 24
                body(.integer(Int64(Int32(bitPattern: bits))))
            }
        case .int64:
            let raw = try input.take(count * 8)
            for i in 0..<count {
                var bits: UInt64 = 0
                for b in 0..<8 { bits |= UInt64(raw[8 * i + b]) << (8 * UInt64(b)) }
                body(.integer(Int64(bitPattern: bits)))
            }
        case .float:
            let raw = try input.take(count * 4)
            for i in 0..<count {
                let bits = UInt32(raw[4 * i]) | UInt32(raw[4 * i + 1]) << 8 | UInt32(raw[4 * i + 2]) << 16 | UInt32(raw[4 * i + 3]) << 24
                body(.real(Double(Float(bitPattern: bits))))
            }
        case .double:
            let raw = try input.take(count * 8)
            for i in 0..<count {
                var bits: UInt64 = 0
                for b in 0..<8 { bits |= UInt64(raw[8 * i + b]) << (8 * UInt64(b)) }
                body(.real(Double(bitPattern: bits)))
            }
        case .int96:
            let raw = try input.take(count * 12)
            for i in 0..<count { body(.bytes(UnsafeBufferPointer(rebasing: raw[(12 * i)..<(12 * i + 12)]))) }
        case .byteArray:
            try ParquetDecoding.plainByteArrays(&input, count: count) { body(.bytes($0)) }
        case .fixedLenByteArray:
            let width = Int(element.typeLength)
            guard width > 0 else { throw Malformed(reason: "a fixed-length column of length \(width)") }
            let raw = try input.take(count * width)
            for i in 0..<count { body(.bytes(UnsafeBufferPointer(rebasing: raw[(width * i)..<(width * i + width)]))) }
        }
    }
}

/// Interleaves a page's missing slots (definition level 0) with its values, in order.
struct NullWeaver {
    let definitions: [UInt32]
    var position = 0

    init(definitions: [UInt32]) { self.definitions = definitions }

    /// Slots consumed so far.
    var consumed: Int { position }

    /// Writes the missing slots before the next value, and takes that value's slot.
    mutating func nullsBefore(into sink: inout Sink) {
        guard !definitions.isEmpty else { position += 1; return }
        while position < definitions.count && definitions[position] == 0 {
            sink.appendNull()
            position += 1
        }
        position += 1
    }

    /// The missing slots after the last value; false when a slot there should have held one.
    mutating func rest(into sink: inout Sink) -> Bool {
        guard !definitions.isEmpty else { return true }
        while position < definitions.count {
            guard definitions[position] == 0 else { return false }
            sink.appendNull()
            position += 1
        }
        return true
    }
}
