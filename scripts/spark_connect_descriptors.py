#!/usr/bin/env python3
"""Writes the Spark Connect protocol's file descriptors, as the installed pyspark's server
speaks it, to a FileDescriptorSet (for `protoc --descriptor_set_in`).

pyspark ships the protocol compiled into `pyspark/sql/connect/proto/*_pb2.py`, each holding its
`.proto` file's serialized FileDescriptorProto; reading those bytes (no protobuf library needed)
gives exactly the messages of the server version we test against. A FileDescriptorSet is field 1
repeated, so the set is each descriptor behind a tag and a varint length.

    python3 scripts/spark_connect_descriptors.py OUT.pb
"""
import ast
import glob
import os
import re
import sys

import pyspark


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def main():
    directory = os.path.join(os.path.dirname(pyspark.__file__), "sql", "connect", "proto")
    out = bytearray()
    names = []
    for path in sorted(glob.glob(os.path.join(directory, "*_pb2.py"))):
        if "example_plugins" in path:
            continue
        source = open(path).read()
        match = re.search(r"AddSerializedFile\(\s*(b(?:'|\").*?)\s*\)\n", source, re.S)
        if not match:
            sys.exit(f"no serialized descriptor in {path}")
        descriptor = ast.literal_eval(match.group(1))
        out += b"\x0a" + varint(len(descriptor)) + descriptor
        names.append(os.path.basename(path))
    open(sys.argv[1], "wb").write(bytes(out))
    print(f"pyspark {pyspark.__version__}: {len(names)} files", file=sys.stderr)


if __name__ == "__main__":
    main()
