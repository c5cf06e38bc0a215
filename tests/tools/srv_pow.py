#!/usr/bin/env python3
"""srv_pow.py PORT: test-only proof-of-work solver (docs/PROTOCOL.md):
GET /v1/pow from 127.0.0.1:PORT, find an 8-byte nonce with SHA-256(
challenge || nonce) starting with D zero bits, print the Intake-PoW
header value "<base64 challenge>:<16 hex nonce>" and, on stderr, D."""
import base64
import hashlib
import http.client
import json
import sys


def zero_bits(h):
    bits = 0
    for byte in h:
        if byte:
            return bits + 8 - byte.bit_length()
        bits += 8
    return bits


c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=30)
c.request("GET", "/v1/pow")
j = json.loads(c.getresponse().read())
chal, d = base64.b64decode(j["challenge"]), j["difficulty"]
n = 0
while True:
    nonce = n.to_bytes(8, "little")
    if zero_bits(hashlib.sha256(chal + nonce).digest()) >= d:
        break
    n += 1
print("%s:%s" % (j["challenge"], nonce.hex()))
print(d, file=sys.stderr)
