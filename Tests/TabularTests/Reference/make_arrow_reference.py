#!/usr/bin/env python3
"""Writes Arrow IPC streams with pyarrow, and what they hold as JSON, for ArrowStreamTests.

    pip install pyarrow
    python3 Tests/TabularTests/Reference/make_arrow_reference.py

The column types are those Spark Connect returns for mlgate's statistics and samples (longs,
doubles, booleans, strings, decimals, dates, timestamps, arrays of doubles), with nulls, empty
strings, non-ASCII text, several batches per stream, and a stream of no rows.
"""
import datetime
import decimal
import json
import os

import pyarrow as pa

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "arrow")
os.makedirs(here, exist_ok=True)

schema = pa.schema([
    ("i8", pa.int8()), ("i16", pa.int16()), ("i32", pa.int32()), ("i64", pa.int64()), ("u32", pa.uint32()),
    ("f32", pa.float32()), ("f64", pa.float64()), ("flag", pa.bool_()), ("text", pa.string()),
    ("amount", pa.decimal128(20, 2)), ("day", pa.date32()), ("at", pa.timestamp("us", tz="UTC")),
    ("q", pa.list_(pa.float64())),
])
rows = [
    dict(i8=-128, i16=-300, i32=-70000, i64=-(2**40), u32=4000000000, f32=1.5, f64=-0.1, flag=True, text="north",
         amount=decimal.Decimal("123456.78"), day=datetime.date(2026, 11, 30), at=datetime.datetime(2026, 11, 30, 12, 0, 1, tzinfo=datetime.timezone.utc),
         q=[0.1, 0.5, 0.9]),
    dict(i8=None, i16=None, i32=None, i64=None, u32=None, f32=None, f64=None, flag=None, text=None, amount=None, day=None, at=None, q=None),
    dict(i8=127, i16=32767, i32=2**31 - 1, i64=2**62, u32=0, f32=-2.25, f64=1e300, flag=False, text="", amount=decimal.Decimal("-0.05"),
         day=datetime.date(1969, 12, 31), at=datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc), q=[]),
    dict(i8=0, i16=1, i32=2, i64=3, u32=4, f32=0.0, f64=float("inf"), flag=True, text="Zürich — 東京", amount=decimal.Decimal("0"),
         day=datetime.date(2000, 2, 29), at=datetime.datetime(2000, 2, 29, 23, 59, 59, tzinfo=datetime.timezone.utc), q=[None, 2.0]),
]


def expected(row):
    out = {}
    for k, v in row.items():
        if v is None:
            out[k] = None
        elif isinstance(v, decimal.Decimal):
            out[k] = int(v)  # scaled down to an integer, as the reader returns Spark's decimal sums
        elif isinstance(v, datetime.datetime):
            out[k] = int(v.timestamp())
        elif isinstance(v, datetime.date):
            out[k] = (v - datetime.date(1970, 1, 1)).days * 86400
        elif isinstance(v, float) and v == float("inf"):
            out[k] = "inf"
        else:
            out[k] = v
    return out


def write(name, batches):
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema) as writer:
        for batch in batches:
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
    with open(os.path.join(here, name + ".arrows"), "wb") as f:
        f.write(sink.getvalue().to_pybytes())
    with open(os.path.join(here, name + ".json"), "w") as f:
        json.dump({"pyarrow": pa.__version__, "rows": [expected(r) for b in batches for r in b]}, f, indent=1, ensure_ascii=False)


write("one-batch", [rows])
write("three-batches", [rows[:1], rows[1:3], rows[3:]])
write("empty", [])
print("wrote", here)
