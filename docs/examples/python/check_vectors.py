#!/usr/bin/env python3
"""Recomputes every fedcredit wire-format test vector (tests/vectors/*.json) with fedcredit_wire.py
and Python's `cryptography`, independently of the TypeScript code. Prints one line per check and
exits 1 if any byte differs.

    python3 docs/examples/python/check_vectors.py [tests/vectors]

fedcredit's test suite runs this (tests/vectors/python.test.ts) whenever /usr/bin/python3 has
`cryptography`, so this file and docs/wire-formats.md cannot drift from the product unnoticed.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fedcredit_wire as w  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402

failures: list[str] = []


def check(name: str, got, want) -> None:
    if got == want:
        print(f"ok   {name}")
        return
    failures.append(name)
    g, x = (got.hex() if isinstance(got, bytes) else str(got)), (want.hex() if isinstance(want, bytes) else str(want))
    at = next((i for i in range(min(len(g), len(x))) if g[i] != x[i]), min(len(g), len(x)))
    print(f"FAIL {name}: first difference at character {at}\n     got  {g[max(0, at - 20):at + 40]}\n     want {x[max(0, at - 20):at + 40]}")


def ed(key: dict):
    k = w.ed25519_from_seed(bytes.fromhex(key["seed"]))
    check(f"Ed25519 public key of {key['label']}", w.ed25519_public_raw(k).hex(), key["publicKey"])
    return k


def main(folder: str) -> int:
    load = lambda name: json.load(open(os.path.join(folder, f"{name}.json"), encoding="utf-8"))  # noqa: E731

    v = load("canonical-json")
    for c in v["cases"]:
        check(f"canonical JSON: {c['name']}", w.canonical_bytes(json.loads(c["input"])).hex(), c["canonicalUtf8"])
    for c in v["domainHash"]:
        check(f"hashWithDomain {c['domain']} {c['parts']}", w.hash_with_domain(c["domain"], *[bytes.fromhex(p) for p in c["parts"]]).hex(), c["sha256"])

    v = load("consent")
    enterprise, registrar = ed(v["keys"]["enterprise"]), ed(v["keys"]["registrar"])
    s = v["keyBinding"]["statement"]
    msg = w.key_binding_message(s["subject"], s["enterpriseKey"], s["registrarKey"], s["issuedAt"])
    check("key binding message", msg.hex(), v["keyBinding"]["message"])
    binding = {"v": 1, **s, "signature": registrar.sign(msg).hex()}
    check("key binding record", w.canonical_json(binding), v["keyBinding"]["record"])
    check("key binding log entry", w.canonical_bytes({"v": 1, "kind": "enterprise-key-registration", "body": {
        "subject": s["subject"], "enterpriseKey": s["enterpriseKey"], "registrarKey": s["registrarKey"],
        "registrarSignature": binding["signature"], "time": s["issuedAt"]}}).hex(), v["keyBinding"]["logEntry"])
    unsigned = v["consent"]["unsigned"]
    signing = w.tagged(w.CONSENT_TAG, unsigned)
    check("consent signing bytes", signing.hex(), v["consent"]["signingBytes"])
    check("consent signature", enterprise.sign(signing).hex(), v["consent"]["signature"])
    record = w.canonical_json({**unsigned, "signature": v["consent"]["signature"]})
    check("consent record", record, v["consent"]["record"])
    check("consent hash", hashlib.sha256(record.encode()).hexdigest(), v["consent"]["consentHash"])
    r = v["revocation"]["statement"]
    msg = w.revocation_message(r["consentId"], r["subject"], r["signerKey"], r["revokedAt"])
    check("revocation message", msg.hex(), v["revocation"]["message"])
    check("revocation signature", enterprise.sign(msg).hex(), v["revocation"]["signature"])
    check("revocation record", w.canonical_json({"v": 1, **r, "signature": v["revocation"]["signature"]}), v["revocation"]["record"])
    check("revocation log entry", w.canonical_bytes({"v": 1, "kind": "revocation", "body": {
        "subject": r["subject"], "consentId": r["consentId"], "signerKey": r["signerKey"],
        "signature": v["revocation"]["signature"], "time": r["revokedAt"]}}).hex(), v["revocation"]["logEntry"])

    v = load("signed-query")
    requester = ed(v["keys"]["requester"])
    u = v["unsigned"]
    check("signed query signing bytes", w.tagged(w.QUERY_TAG, u).hex(), v["signingBytes"])
    text = w.sign_query(requester, u["requester"]["name"], u["queryId"], u["consentId"], u["subject"], u["purpose"], u["operation"],
                        u["sites"], u["issuedAt"])
    check("signed query record (and its signature)", text, v["record"])

    v = load("sealing-key")
    requester = ed(v["keys"]["requester"])
    sealing_pub = bytes.fromhex(v["keys"]["requesterSealing"]["publicKey"])
    check("requester sealing public key", w.x25519_public_raw(bytes.fromhex(v["keys"]["requesterSealing"]["privateKey"])), sealing_pub)
    msg = w.sealing_key_message(v["requesterName"], w.ed25519_public_raw(requester), sealing_pub)
    check("sealing-key message", msg.hex(), v["message"])
    check("sealing-key signature", requester.sign(msg).hex(), v["signature"])

    v = load("log")
    log_key, witness = ed(v["keys"]["log"]), ed(v["keys"]["witness"])
    leaves = []
    for i, e in enumerate(v["entries"]):
        b = bytes.fromhex(e["bytes"])
        check(f"log entry {i} is canonical", w.canonical_bytes(json.loads(b)).hex(), e["bytes"])
        check(f"log entry {i} leaf hash", w.leaf_hash(b).hex(), e["leafHash"])
        leaves.append(w.leaf_hash(b))
    check("tree root", w.merkle_root(leaves).hex(), v["rootHash"])
    inc = v["inclusion"]
    check("inclusion proof leads to the root",
          w.root_from_inclusion_proof(inc["index"], inc["treeSize"], leaves[inc["index"]], [bytes.fromhex(p) for p in inc["proof"]]).hex(), v["rootHash"])
    cp = v["checkpoint"]
    text = w.checkpoint_text(cp["origin"], v["treeSize"], bytes.fromhex(v["rootHash"]))
    check("checkpoint text", text, cp["text"])
    kid = w.note_key_id(cp["logKeyName"], 0x01, w.ed25519_public_raw(log_key))
    check("log key ID", kid.hex(), cp["logKeyId"])
    note = text + "\n" + w.signature_line(cp["logKeyName"], kid, log_key.sign(text.encode()))
    check("signed checkpoint note", note, cp["signedNote"])
    t = int(cp["cosignatureTime"])
    cmsg = w.cosignature_message(text, t)
    check("cosignature message", cmsg.hex(), cp["cosignatureMessage"])
    wkid = w.note_key_id(cp["witnessName"], 0x04, w.ed25519_public_raw(witness))
    check("witness cosignature key ID", wkid.hex(), cp["cosignatureKeyId"])
    cosigned = note + w.signature_line(cp["witnessName"], wkid, struct.pack(">Q", t) + witness.sign(cmsg))
    check("cosigned checkpoint note", cosigned, cp["cosignedNote"])
    f = v["answer"]["fields"]
    statement = ("fedcredit score answer v1\n" + w.canonical_json({
        "queryId": f["queryId"], "logIndex": f["logIndex"], "entryLeafHash": leaves[f["logIndex"]].hex(), "points": f["points"],
        "grade": f["grade"], "warning": f["warning"], "model": f["model"], "coverage": f["coverage"]})).encode()
    check("answer statement", statement.hex(), v["answer"]["statement"])
    check("answer signature", log_key.sign(statement).hex(), v["answer"]["signature"])
    rc = v["receipt"]
    entry = base64.b64decode(rc["entry"])
    root = w.root_from_inclusion_proof(rc["logIndex"], rc["treeSize"], w.leaf_hash(entry), [base64.b64decode(p) for p in rc["inclusionProof"]])
    body, sigs = w.split_note(rc["checkpoint"])
    check("receipt: checkpoint root is the proof's root", body.split("\n")[2], base64.b64encode(root).decode())
    Ed25519PublicKey.from_public_bytes(w.ed25519_public_raw(log_key)).verify(sigs[0][2], body.encode())
    check("receipt: answer signature covers the entry", rc["answer"]["signature"], v["answer"]["signature"])

    v = load("served-record")
    site = ed(v["keys"]["site"])
    prev = "0" * 64
    for n, r in enumerate(v["records"]):
        b = w.canonical_bytes(r["record"])
        check(f"served record {n} bytes", b.hex(), r["bytes"])
        check(f"served record {n} chain link", r["record"]["prev"], prev)
        check(f"served record {n} signature", site.sign(b"fedcredit served record v1\n" + b).hex(), r["signature"])
        prev = hashlib.sha256(b).hexdigest()
        check(f"served record {n} digest", prev, r["digest"])

    v = load("registration")
    site = ed(v["keys"]["site"])
    ed(v["keys"]["siteAfterRotation"])
    f = v["registration"]["fields"]
    msg = (f"fedcredit node registration v1\nsite {f['site']}\naddress {f['address']}\nkey {f['identityKey']}\n"
           f"sealing {f['sealingKey']}\ntime {f['time']}\n").encode()
    check("node registration message", msg.hex(), v["registration"]["message"])
    check("node registration signature", site.sign(msg).hex(), v["registration"]["signature"])
    check("certified registration message", (b"fedcredit node registration, certified by the TLS key v1\n" + msg).hex(), v["registration"]["certifiedMessage"])
    r = v["rotation"]["fields"]
    msg = (f"fedcredit node key rotation v1\nsite {r['site']}\nprevious {r['previousIdentityKey']}\nkey {r['identityKey']}\n"
           f"sealing {r['sealingKey']}\ntime {r['rotatedAt']}\n").encode()
    check("key rotation message", msg.hex(), v["rotation"]["message"])
    check("key rotation signature (previous key)", site.sign(msg).hex(), v["rotation"]["previousKeySignature"])

    v = load("sealed-explanation")
    k, i = v["keys"], v["inputs"]
    rpriv, spriv = bytes.fromhex(k["requesterSealing"]["privateKey"]), bytes.fromhex(k["siteSealing"]["privateKey"])
    rpub, spub = bytes.fromhex(k["requesterSealing"]["publicKey"]), bytes.fromhex(k["siteSealing"]["publicKey"])
    epriv, epub = bytes.fromhex(k["ephemeral"]["privateKey"]), bytes.fromhex(k["ephemeral"]["publicKey"])
    for name, priv, pub in (("requester", rpriv, rpub), ("site", spriv, spub), ("ephemeral", epriv, epub)):
        check(f"X25519 public key ({name})", w.x25519_public_raw(priv), pub)
    e = i["explanation"]
    fields = [bytes([0x03, 1 if e["covered"] else 0, len(e["reasons"])])]
    for name in [r["feature"] for r in e["reasons"]] + [e["model"]]:
        b = name.encode("utf-8")
        fields.append(bytes([len(b)]) + b)
    record = b"".join(fields)
    check("explanation record", record.hex(), v["record"])
    check("MAC key (site side)", w.explanation_mac_key(spriv, rpub).hex(), v["macKey"]["key"])
    check("MAC key (requester side)", w.explanation_mac_key(rpriv, spub).hex(), v["macKey"]["key"])
    mac = w.explanation_mac(bytes.fromhex(v["macKey"]["key"]), i["site"], i["requesterName"], i["logIndex"], i["queryId"], record)
    check("explanation MAC", mac.hex(), v["mac"])
    plaintext = (record + mac).ljust(w.EXPLANATION_PLAINTEXT_BYTES, b"\x00")
    check("explanation plaintext", plaintext.hex(), v["plaintext"])
    digest = w.explanation_binding_digest(i["site"], i["requesterName"], i["logIndex"], i["queryId"])
    check("sealed-box binding digest", digest.hex(), v["box"]["bindingDigest"])
    nonce = bytes.fromhex(i["nonce"])
    key = w.hkdf_sha256(w.x25519(epriv, rpub), epub + rpub, b"fedcredit/sealed-box/v2", 32)
    check("sealed-box v2 AES key", key.hex(), v["box"]["aesKey"])
    header = b"\x02" + epub + nonce
    box = header + AESGCM(key).encrypt(nonce, plaintext, header + digest)
    check("sealed explanation box", box.hex(), v["sealedBox"])
    opened = w.open_explanation(rpriv, bytes.fromhex(v["sealedBox"]), i["site"], i["requesterName"], i["logIndex"], i["queryId"], spub)
    check("open_explanation", opened["reasons"], e["reasons"])
    tampered = bytearray(bytes.fromhex(v["sealedBox"]))
    tampered[-1] ^= 1
    try:
        w.open_explanation(rpriv, bytes(tampered), i["site"], i["requesterName"], i["logIndex"], i["queryId"], spub)
        check("a tampered box is refused", "opened", "refused")
    except Exception:  # cryptography's InvalidTag
        check("a tampered box is refused", "refused", "refused")

    print(f"{'FAILED: ' + ', '.join(failures) if failures else 'all vectors match'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "vectors")))
