#!/usr/bin/env python3
"""Writes the Parquet reference files ParquetReaderTests reads, and what each must read as.

    pip install pyarrow polars duckdb numpy
    python3 Tests/TabularTests/Reference/make_parquet_reference.py

For every codec (none, snappy, gzip, zstd, lz4_raw) x data page version (1, 2) x value encoding
(dictionary; PLAIN; the DELTA encodings and BYTE_STREAM_SPLIT where a type allows them), pyarrow
writes one file of the same 160 rows: every physical type, logical types STRING, ENUM (a
dictionary column), DATE, TIMESTAMP (ms, us, ns), DECIMAL (int32, int64 and fixed-length),
INTEGER (8 to 64 bits, unsigned), with nulls; plus a file of many row groups, one with an empty
row group, files written by polars and by DuckDB (its V1 and V2 writers), and a file with a
nested column (which must be refused).
`expected.json` holds each table's columns as mlgate reads them (and which table each file holds): numbers (null for missing),
booleans as 1/0, text (dates `2024-01-31`, timestamps `2024-01-31 12:00:00.5`), and an empty or
NA-like string missing, as in a CSV. Deterministic (seeded); rerun to regenerate.
"""
import datetime
import decimal
import json
import math
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "parquet")
ROWS = 160
MISSING = {"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
           "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"}


def table():
    rng = np.random.default_rng(7)
    null = rng.random(ROWS) < 0.1

    def masked(values):
        return [None if null[i] else v for i, v in enumerate(values)]

    words = ["north", "south", "east", "west", "", "NA", "zürich", "naïve café", "a,b", "x" * 40]
    epoch = datetime.datetime(2024, 1, 31, 12, 0, 0)
    columns = {
        "i32": pa.array(masked([int(v) for v in rng.integers(-2**31, 2**31 - 1, ROWS)]), pa.int32()),
        "i64": pa.array(masked([int(v) for v in rng.integers(-2**52, 2**52, ROWS)]), pa.int64()),
        "small": pa.array([int(v) for v in rng.integers(0, 5, ROWS)], pa.int64()),   # required, few values
        "f32": pa.array(masked([float(np.float32(v)) for v in rng.normal(0, 1e3, ROWS)]), pa.float32()),
        "f64": pa.array(masked([float("nan") if i % 17 == 3 else float(v) for i, v in enumerate(rng.normal(0, 1, ROWS))]), pa.float64()),
        "flag": pa.array(masked([bool(v) for v in rng.random(ROWS) < 0.3]), pa.bool_()),
        "word": pa.array(masked([words[int(v)] for v in rng.integers(0, len(words), ROWS)]), pa.string()),
        "grade": pa.array(masked([["a", "b", "c"][int(v)] for v in rng.integers(0, 3, ROWS)]), pa.string()).dictionary_encode(),
        "day": pa.array(masked([datetime.date(2020, 1, 1) + datetime.timedelta(days=int(v)) for v in rng.integers(-40000, 40000, ROWS)]), pa.date32()),
        "ts_ms": pa.array(masked([epoch + datetime.timedelta(milliseconds=int(v)) for v in rng.integers(-10**11, 10**11, ROWS)]), pa.timestamp("ms")),
        "ts_us": pa.array(masked([epoch + datetime.timedelta(microseconds=int(v)) for v in rng.integers(-10**14, 10**14, ROWS)]), pa.timestamp("us")),
        "ts_ns": pa.array(masked([int(v) for v in rng.integers(-10**18, 10**18, ROWS)]), pa.timestamp("ns")),
        "price": pa.array(masked([decimal.Decimal(int(v)).scaleb(-2) for v in rng.integers(-10**8, 10**8, ROWS)]), pa.decimal128(9, 2)),
        "amount": pa.array(masked([decimal.Decimal(int(v)).scaleb(-4) for v in rng.integers(-10**15, 10**15, ROWS)]), pa.decimal128(18, 4)),
        "big": pa.array(masked([decimal.Decimal(int(v)).scaleb(-3) for v in rng.integers(-10**15, 10**15, ROWS)]), pa.decimal128(30, 3)),
        "u8": pa.array(masked([int(v) for v in rng.integers(0, 255, ROWS)]), pa.uint8()),
        "u32": pa.array(masked([int(v) for v in rng.integers(0, 2**32 - 1, ROWS, dtype=np.uint64)]), pa.uint32()),
        "u64": pa.array(masked([int(v) for v in rng.integers(2**62, 2**63, ROWS, dtype=np.uint64) * 2 - 1]), pa.uint64()),
        "code": pa.array(masked([("K%05d" % int(v)).encode() for v in rng.integers(0, 99999, ROWS)]), pa.binary(6)),
        "blob": pa.array(masked([("id-%d" % int(v)).encode() for v in rng.integers(0, 10**6, ROWS)]), pa.binary()),
    }
    return pa.table(columns)


def timestamp_text(ns):
    seconds, fraction = divmod(ns, 10**9)
    text = (datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")
    if fraction:
        text += "." + ("%09d" % fraction).rstrip("0")
    return text


def expected(t):
    """Each column as mlgate reads it."""
    out = {}
    for name in t.column_names:
        column = t.column(name)
        kind = column.type
        values = column.to_pylist()
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        if pa.types.is_boolean(kind):
            out[name] = {"kind": "boolean", "values": [None if v is None else (1 if v else 0) for v in values]}
        elif pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
            numbers = []
            for v in values:
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    numbers.append(None)
                elif pa.types.is_decimal(kind):
                    numbers.append(float(v))
                else:
                    numbers.append(float(v))
            out[name] = {"kind": "numeric", "values": numbers}
        elif pa.types.is_date(kind):
            out[name] = {"kind": "categorical", "values": [None if v is None else v.isoformat() for v in values]}
        elif pa.types.is_timestamp(kind):
            raw = column.cast(pa.int64()).to_pylist()
            scale = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[kind.unit]
            out[name] = {"kind": "categorical", "values": [None if v is None else timestamp_text(v * scale) for v in raw]}
        else:
            texts = [None if v is None else (v.decode() if isinstance(v, bytes) else v) for v in values]
            out[name] = {"kind": "categorical", "values": [None if v is None or v in MISSING else v for v in texts]}
    return out


def main():
    os.makedirs(HERE, exist_ok=True)
    for old in os.listdir(HERE):
        os.remove(os.path.join(HERE, old))
    t = table()
    reference = {}
    tables = {"full": expected(t)}
    plain_encodings = {"i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED", "word": "DELTA_BYTE_ARRAY",
                       "blob": "DELTA_LENGTH_BYTE_ARRAY", "f32": "BYTE_STREAM_SPLIT", "f64": "BYTE_STREAM_SPLIT",
                       "flag": "RLE", "code": "DELTA_BYTE_ARRAY"}
    for codec in ["none", "snappy", "gzip", "zstd", "lz4"]:
        for version in ["1.0", "2.0"]:
            for layout in ["dictionary", "plain", "delta"]:
                name = f"pyarrow-{codec}-v{version[0]}-{layout}.parquet"
                options = dict(compression=codec, data_page_version=version, row_group_size=70, write_statistics=True)
                if layout == "dictionary":
                    options["use_dictionary"] = True
                elif layout == "plain":
                    options["use_dictionary"] = False
                else:
                    if version == "1.0" and codec not in ("none", "zstd"):
                        continue   # the delta encodings once per codec are enough; keep the files few
                    options["use_dictionary"] = False
                    options["column_encoding"] = plain_encodings
                pq.write_table(t, os.path.join(HERE, name), **options)
                reference[name] = "full"
    # Many row groups, some pages small: the join across row groups keeps first-seen order.
    pq.write_table(t, os.path.join(HERE, "pyarrow-many-row-groups.parquet"), row_group_size=15, data_page_size=256, compression="snappy", write_statistics=False)
    reference["pyarrow-many-row-groups.parquet"] = "full"
    # An empty row group among full ones.
    with pq.ParquetWriter(os.path.join(HERE, "pyarrow-empty-row-group.parquet"), t.schema, compression="zstd") as writer:
        writer.write_table(t.slice(0, 60))
        writer.write_table(t.slice(60, 0))
        writer.write_table(t.slice(60))
    reference["pyarrow-empty-row-group.parquet"] = "full"
    try:
        import polars as pl
        frame = pl.from_arrow(t.drop_columns(["grade", "code", "big"]))
        for codec in ["uncompressed", "snappy", "zstd", "lz4", "gzip"]:
            name = f"polars-{codec}.parquet"
            frame.write_parquet(os.path.join(HERE, name), compression=codec, row_group_size=50)
            tables["polars"] = expected(pq.read_table(os.path.join(HERE, name)))
            reference[name] = "polars"
    except ImportError:
        pass
    try:
        import duckdb
        source = t.drop_columns(["grade"])   # DuckDB writes an Arrow dictionary as plain text anyway
        for codec, version in [("uncompressed", "V1"), ("snappy", "V1"), ("zstd", "V2"), ("gzip", "V2")]:
            name = f"duckdb-{codec}-{version.lower()}.parquet"
            path = os.path.join(HERE, name)
            connection = duckdb.connect()
            connection.register("source", source)
            # The path is ours and has no quote; DuckDB's COPY takes no bound parameter for it.
            connection.execute(f"COPY source TO '{path}' (FORMAT parquet, COMPRESSION {codec}, ROW_GROUP_SIZE 64, PARQUET_VERSION {version})")
            connection.close()
            # What DuckDB reads back is what it wrote. pyarrow 22 agrees on every column it reads,
            # but stops ("InitBlock EOF") on the INT32 DELTA_BINARY_PACKED pages of DuckDB 2.0's V2
            # files, whose last block holds fewer values than a miniblock.
            back = duckdb.connect().sql(f"SELECT * FROM read_parquet('{path}')").to_arrow_table()
            ours = expected(back.cast(source.schema))
            try:
                theirs = expected(pq.ParquetFile(path).read())
                assert theirs == ours, name
            except OSError:
                readable = pq.ParquetFile(path)
                for column in source.column_names:
                    try:
                        assert expected(readable.read(columns=[column]))[column] == ours[column], (name, column)
                    except OSError:
                        pass
            tables["duckdb"] = ours
            reference[name] = "duckdb"
    except ImportError:
        pass
    # A list column: refused, naming it.
    nested = pa.table({"id": pa.array([1, 2], pa.int64()), "tags": pa.array([["a"], ["b", "c"]], pa.list_(pa.string()))})
    pq.write_table(nested, os.path.join(HERE, "nested-list.parquet"))
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump({"pyarrow": pa.__version__, "tables": tables, "files": reference}, f, separators=(",", ":"), allow_nan=False)
    print(f"{len(reference)} files")


main()
