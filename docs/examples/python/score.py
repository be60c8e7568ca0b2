#!/usr/bin/env python3
"""A consented score from Python: load the bank's keys, sign a query, call the coordinator's
Scoring/Score over mutual TLS with grpcio, and open each site's sealed explanation.

    python3 score.py --coordinator 127.0.0.1:7000 --tls DIR --keys DIR --consent consent.json \\
        --enterprise 91350100M000100Y43 --name bank-a

--tls is the bank's TLS folder from `fedcredit init` (ca.crt, tls.crt, tls.key); --keys the folder
`fedcredit requester keygen` wrote (requester-identity.pem, requester-sealing.key); --name the
bank's federation name (its certificate's). Prints the answer as JSON. Needs `grpcio` and
`cryptography` only (Debian: python3-grpcio, python3-cryptography).

To stay dependency-free this example encodes the two messages it needs by hand (protobuf wire
format, below). A real client generates stubs instead:

    python3 -m grpc_tools.protoc -I proto --python_out=. --grpc_python_out=. \\
        fedcredit.proto fedcredit/v1/*.proto

Check a query offline before sending it (`fedcredit requester check-query`, docs/wire-formats.md):
every refused query is logged as a refusal in the enterprise's history.
"""
from __future__ import annotations

import argparse
import base64
import datetime
import json
import os
import struct
import sys
import time
import uuid

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fedcredit_wire as w  # noqa: E402

# ---------------------------------------------------------------- protobuf wire format, by hand


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (wire type 2): strings, bytes, embedded messages."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def encode_score_request(consent: str, signed_query: str, sealing_public: bytes, sealing_signature: bytes, model: str = "") -> bytes:
    """fedcredit.v1.ScoreRequest: 1 consent, 2 signed_query, 3 sealing_key {1 public_key, 2 signature}, 4 model_version."""
    sealing = _field(1, sealing_public) + _field(2, sealing_signature)
    return _field(1, consent.encode()) + _field(2, signed_query.encode()) + _field(3, sealing) + (_field(4, model.encode()) if model else b"")


def _fields(data: bytes):
    """(field number, wire type, value) of a message; value is int for varints, bytes otherwise."""
    i = 0
    while i < len(data):
        key, shift = 0, 0
        while True:
            b = data[i]; i += 1; key |= (b & 0x7F) << shift; shift += 7  # noqa: E702
            if not b & 0x80:
                break
        number, wire = key >> 3, key & 7
        if wire == 0:
            v, shift = 0, 0
            while True:
                b = data[i]; i += 1; v |= (b & 0x7F) << shift; shift += 7  # noqa: E702
                if not b & 0x80:
                    break
            yield number, wire, v
        elif wire == 1:
            yield number, wire, data[i:i + 8]; i += 8  # noqa: E702
        elif wire == 2:
            n, shift = 0, 0
            while True:
                b = data[i]; i += 1; n |= (b & 0x7F) << shift; shift += 7  # noqa: E702
                if not b & 0x80:
                    break
            yield number, wire, data[i:i + n]; i += n  # noqa: E702
        elif wire == 5:
            yield number, wire, data[i:i + 4]; i += 4  # noqa: E702
        else:
            raise ValueError(f"unsupported wire type {wire}")


def decode_score_response(data: bytes) -> dict:
    """fedcredit.v1.ScoreResponse (scoring.proto): the fields this example reads."""
    r = {"query_id": "", "points": 0, "grade": "", "warning": "", "probability_of_default": 0.0, "model_version": "",
         "sites": [], "log_index": 0, "entry": b"", "answer_signature": b""}
    names = {1: "query_id", 3: "grade", 4: "warning", 6: "model_version"}
    for number, _, v in _fields(data):
        if number in names:
            r[names[number]] = v.decode()
        elif number == 2:
            r["points"] = v
        elif number == 5:
            r["probability_of_default"] = struct.unpack("<d", v)[0]
        elif number == 7:
            site = {"site": "", "covered": False, "sealed_explanation": b"", "site_key_statement": b""}
            for n2, _, v2 in _fields(v):
                if n2 == 1:
                    site["site"] = v2.decode()
                elif n2 == 2:
                    site["covered"] = bool(v2)
                elif n2 == 3:
                    site["sealed_explanation"] = v2
                elif n2 == 4:
                    site["site_key_statement"] = v2
            r["sites"].append(site)
        elif number == 8:
            r["log_index"] = v
        elif number == 9:
            r["entry"] = v
        elif number == 10:
            r["answer_signature"] = v
    return r


# ---------------------------------------------------------------- the site's certified sealing key


def site_sealing_key(site: str, statement: bytes, ca: x509.Certificate) -> bytes:
    """The X25519 key site `site` authenticates explanations with, from its statement (docs/wire-formats.md#sealed-explanation)."""
    s = json.loads(statement)
    if s.get("v") != 2 or s.get("site") != site or len(s.get("key", "")) != 64:
        raise ValueError(f"the key statement of {site} is malformed")
    cert = x509.load_pem_x509_certificate(s["certificate"].encode())
    if cert.issuer != ca.subject:
        raise ValueError(f"{site}'s certificate is not issued by the federation CA")
    ca.public_key().verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
    now = datetime.datetime.utcnow()
    if not cert.not_valid_before <= now <= cert.not_valid_after:
        raise ValueError(f"{site}'s certificate is not valid now")
    uris = [u for u in cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.UniformResourceIdentifier)
            if u.startswith("fedcredit:")]
    if uris != [f"fedcredit:role/site/{site}"]:
        raise ValueError(f"{site}'s certificate names {uris}, not fedcredit:role/site/{site}")
    raw = base64.b64decode(s["signature"])
    text = f"fedcredit site explanation key v2 (x25519)\nsite {site}\nkey {s['key']}\n".encode()
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    cert.public_key().verify(der, text, ec.ECDSA(hashes.SHA256()))
    return bytes.fromhex(s["key"])


# ---------------------------------------------------------------- the call


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--coordinator", required=True)
    p.add_argument("--tls", required=True, help="the bank's TLS folder (ca.crt, tls.crt, tls.key)")
    p.add_argument("--keys", required=True, help="folder of requester-identity.pem and requester-sealing.key")
    p.add_argument("--consent", required=True)
    p.add_argument("--enterprise", required=True)
    p.add_argument("--name", required=True, help="the bank's federation name (its certificate's)")
    p.add_argument("--operation", default="score", choices=["score", "explain"])
    p.add_argument("--server-name", default="localhost", help="a DNS name in the coordinator's certificate")
    a = p.parse_args()

    identity, sealing_private = w.load_requester_keys(a.keys)
    sealing_public = w.x25519_public_raw(sealing_private)
    consent_text = open(a.consent, encoding="utf-8").read().rstrip("\n")
    consent = json.loads(consent_text)
    query = w.sign_query(identity, a.name, f"q-{uuid.uuid4()}", consent["consentId"], a.enterprise, consent["purpose"], a.operation,
                         consent["scope"]["sources"], int(time.time() * 1000))
    sealing_signature = identity.sign(w.sealing_key_message(a.name, w.ed25519_public_raw(identity), sealing_public))

    read = lambda name: open(os.path.join(a.tls, name), "rb").read()  # noqa: E731
    ca_pem = read("ca.crt")
    creds = grpc.ssl_channel_credentials(root_certificates=ca_pem, private_key=read("tls.key"), certificate_chain=read("tls.crt"))
    with grpc.secure_channel(a.coordinator, creds, options=[("grpc.ssl_target_name_override", a.server_name)]) as channel:
        score = channel.unary_unary("/fedcredit.v1.Scoring/Score", request_serializer=lambda b: b, response_deserializer=decode_score_response)
        try:
            r = score(encode_score_request(consent_text, query, sealing_public, sealing_signature), timeout=60)
        except grpc.RpcError as e:
            print(json.dumps({"error": e.code().name, "message": e.details()}), file=sys.stderr)
            return 1

    ca = x509.load_pem_x509_certificate(ca_pem)
    explanations = []
    for s in r["sites"]:
        e = w.open_explanation(sealing_private, s["sealed_explanation"], s["site"], a.name, r["log_index"], r["query_id"],
                               site_sealing_key(s["site"], s["site_key_statement"], ca))
        if e["model"] != r["model_version"] or e["covered"] != s["covered"]:
            raise ValueError(f"the explanation of {s['site']} does not match the answer: do not use it")
        explanations.append(e)
    print(json.dumps({
        "queryId": r["query_id"], "points": r["points"], "grade": r["grade"], "warning": r["warning"],
        "probabilityOfDefault": r["probability_of_default"], "model": r["model_version"], "logIndex": r["log_index"],
        "entry": r["entry"].decode(), "answerSignature": r["answer_signature"].hex(), "explanations": explanations,
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
