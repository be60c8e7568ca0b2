"""fedcredit wire formats in Python (docs/wire-formats.md), for a bank's integration engineer.

Only the standard library and the `cryptography` package (Debian bookworm's python3-cryptography
38 is enough). Every function here is checked against tests/vectors/ by check_vectors.py, which
fedcredit's own test suite runs (tests/vectors/python.test.ts), so a difference between this file
and the TypeScript implementation fails fedcredit's CI.

This is an example, not a supported client library: copy what you need.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import struct
from typing import Any, Iterable, Sequence

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# ---------------------------------------------------------------- canonical JSON


def canonical_json(value: Any) -> str:
    """fedcredit's canonical JSON (log/entries.ts canonicalJson): no whitespace, object keys
    sorted by UTF-16 code units (RFC 8785 order; NOT Python's code-point order), strings as
    ECMAScript JSON.stringify writes them, integers only (|n| <= 2^53 - 1)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if abs(value) > 2**53 - 1:
            raise ValueError(f"integer {value} is beyond 2^53 - 1: fedcredit records carry it as a string")
        return str(value)
    if isinstance(value, float):
        # fedcredit records hold no fractions; ECMAScript number formatting differs from repr().
        if value.is_integer() and abs(value) <= 2**53 - 1:
            return str(int(value))
        raise ValueError(f"{value}: fedcredit records carry integers only")
    if isinstance(value, str):
        # json.dumps with ensure_ascii=False escapes exactly what JSON.stringify escapes
        # (", \\, \b \f \n \r \t, other U+0000-U+001F as \\u00xx lowercase) for well-formed text.
        value.encode("utf-8")  # refuses lone surrogates, as fedcredit does
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value.keys(), key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canonical_json(value[k]) for k in keys) + "}"
    raise TypeError(f"{type(value).__name__} cannot be written as fedcredit canonical JSON")


def canonical_bytes(value: Any) -> bytes:
    return canonical_json(value).encode("utf-8")


# ---------------------------------------------------------------- hashing


def hash_with_domain(domain: str, *parts: bytes) -> bytes:
    """SHA-256(u8(len(domain)) || domain || for each part: u64be(len(part)) || part) (crypto/hash.ts)."""
    d = domain.encode("ascii")
    if not 1 <= len(d) <= 255:
        raise ValueError("domain must be 1-255 ASCII bytes")
    h = hashlib.sha256(bytes([len(d)]) + d)
    for p in parts:
        h.update(struct.pack(">Q", len(p)))
        h.update(p)
    return h.digest()


def leaf_hash(entry: bytes) -> bytes:
    """RFC 9162 §2.1.1 leaf hash: SHA-256(0x00 || entry)."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH over leaf hashes (split at the largest power of two below n)."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(merkle_root(leaves[:k]), merkle_root(leaves[k:]))


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2: the root an inclusion proof leads to."""
    if index >= size:
        raise ValueError("index beyond tree size")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ValueError("proof too long")
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("proof too short")
    return r


# ---------------------------------------------------------------- keys


def ed25519_from_seed(seed: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(seed)


def ed25519_public_raw(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def x25519_public_raw(private_raw: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private_raw).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def x25519(private_raw: bytes, peer_public_raw: bytes) -> bytes:
    shared = X25519PrivateKey.from_private_bytes(private_raw).exchange(X25519PublicKey.from_public_bytes(peer_public_raw))
    if shared == bytes(32):
        raise ValueError("X25519 shared secret is all zeros: the peer key is a low-order point")
    return shared


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def load_requester_keys(folder: str) -> tuple[Ed25519PrivateKey, bytes]:
    """The keys `fedcredit requester keygen` made: requester-identity.pem (PKCS#8 PEM Ed25519)
    and requester-sealing.key (the raw 32-byte X25519 private key)."""
    with open(f"{folder}/requester-identity.pem", "rb") as f:
        identity = serialization.load_pem_private_key(f.read(), password=None)
    if not isinstance(identity, Ed25519PrivateKey):
        raise TypeError("requester-identity.pem is not an Ed25519 key")
    with open(f"{folder}/requester-sealing.key", "rb") as f:
        sealing = f.read()
    if len(sealing) != 32:
        raise ValueError(f"requester-sealing.key is {len(sealing)} bytes, expected 32")
    return identity, sealing


# ---------------------------------------------------------------- consent records and the signed query

QUERY_TAG = "fedcredit score query v1"
CONSENT_TAG = "fedcredit consent v1"
SEALING_KEY_TAG = "fedcredit requester sealing key v1"


def tagged(tag: str, unsigned: dict) -> bytes:
    """What a consent or a signed query is signed over: tag, LF, canonical JSON of every field but `signature`."""
    if "signature" in unsigned:
        raise ValueError("sign the record without its signature field")
    return (tag + "\n" + canonical_json(unsigned)).encode("utf-8")


def sign_query(identity: Ed25519PrivateKey, requester_name: str, query_id: str, consent_id: str, subject: str,
               purpose: str, operation: str, sites: Iterable[str], issued_at_ms: int) -> str:
    """The signed query's exact text (consent/signed-query.ts), ready for ScoreRequest.signed_query."""
    unsigned = {
        "v": 1, "queryId": query_id, "consentId": consent_id, "subject": subject, "purpose": purpose, "operation": operation,
        "sites": sorted(set(sites)),  # site names are ASCII: code-point order is UTF-16 order
        "requester": {"name": requester_name, "key": ed25519_public_raw(identity).hex()}, "issuedAt": issued_at_ms,
    }
    signature = identity.sign(tagged(QUERY_TAG, unsigned)).hex()
    return canonical_json({**unsigned, "signature": signature})


def sealing_key_message(requester_name: str, identity_public: bytes, sealing_public: bytes) -> bytes:
    return f"{SEALING_KEY_TAG}\n{requester_name}\n{identity_public.hex()}\n{sealing_public.hex()}".encode("utf-8")


def key_binding_message(subject: str, enterprise_key_hex: str, registrar_key_hex: str, issued_at_ms: int) -> bytes:
    return json.dumps(["fedcredit enterprise key binding v1", subject, enterprise_key_hex, registrar_key_hex, issued_at_ms],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def revocation_message(consent_id: str, subject: str, signer_key_hex: str, revoked_at_ms: int) -> bytes:
    return json.dumps(["fedcredit consent revocation v1", consent_id, subject, signer_key_hex, revoked_at_ms],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ---------------------------------------------------------------- sealed explanations

EXPLANATION_PLAINTEXT_BYTES = 295
EXPLANATION_BOX_BYTES = 295 + 1 + 32 + 12 + 16


def explanation_binding_digest(site: str, requester_name: str, log_index: int, query_id: str) -> bytes:
    return hash_with_domain("fedcredit/sealed-box-binding/v1", b"score/explanation", site.encode(), requester_name.encode(),
                            f"{log_index}\n{query_id}".encode())


def explanation_mac_key(own_sealing_private: bytes, peer_sealing_public: bytes) -> bytes:
    """pairwiseSeed(own, peer, 'fedcredit/score-explanation-mac/v1') (crypto/x25519.ts): both sides get the same key."""
    mine = x25519_public_raw(own_sealing_private)
    if mine == peer_sealing_public:
        raise ValueError("the peer key is this party's own")
    shared = x25519(own_sealing_private, peer_sealing_public)
    lo, hi = sorted([mine, peer_sealing_public])
    salt = hash_with_domain("fedcredit/pairwise-seed/v1", lo, hi)
    info = hash_with_domain("fedcredit/pairwise-seed/v1", b"fedcredit/score-explanation-mac/v1")
    return hkdf_sha256(shared, salt, info, 32)


def explanation_mac(mac_key: bytes, site: str, requester_name: str, log_index: int, query_id: str, record: bytes) -> bytes:
    digest = hash_with_domain("fedcredit/score-explanation/v3", site.encode(), requester_name.encode(), str(log_index).encode(),
                              query_id.encode(), record)
    return hmac.new(mac_key, digest, hashlib.sha256).digest()


def open_box_v2(recipient_private: bytes, box: bytes, aad_binding_digest: bytes) -> bytes:
    """Opens a sealed box v2 (crypto/sealed-box.ts): 0x02 || eph (32) || nonce (12) || AES-256-GCM ciphertext || tag (16)."""
    if len(box) < 1 + 32 + 12 + 16 or box[0] != 0x02:
        raise ValueError("not a sealed box v2")
    eph, nonce = box[1:33], box[33:45]
    shared = x25519(recipient_private, eph)
    key = hkdf_sha256(shared, eph + x25519_public_raw(recipient_private), b"fedcredit/sealed-box/v2", 32)
    return AESGCM(key).decrypt(nonce, box[45:], box[:45] + aad_binding_digest)


def open_explanation(requester_sealing_private: bytes, box: bytes, site: str, requester_name: str, log_index: int, query_id: str,
                     site_sealing_public: bytes) -> dict:
    """A site's explanation, opened and its MAC checked (scoring/sealed-explanation.ts); raises on anything else."""
    if len(box) != EXPLANATION_BOX_BYTES:
        raise ValueError(f"explanation box is {len(box)} bytes, expected {EXPLANATION_BOX_BYTES}")
    p = open_box_v2(requester_sealing_private, box, explanation_binding_digest(site, requester_name, log_index, query_id))
    if len(p) != EXPLANATION_PLAINTEXT_BYTES or p[0] != 0x03 or p[1] > 1 or p[2] > 3:
        raise ValueError("malformed explanation record")
    at, names = 3, []
    for _ in range(p[2] + 1):  # the reasons' feature names, then the model version
        n = p[at]
        if not 1 <= n <= 64 or at + 1 + n > len(p) - 32:
            raise ValueError("malformed explanation field")
        names.append(p[at + 1:at + 1 + n].decode("utf-8"))
        at += 1 + n
    record, mac = p[:at], p[at:at + 32]
    if any(p[at + 32:]):
        raise ValueError("explanation padding is not zeros")
    expected = explanation_mac(explanation_mac_key(requester_sealing_private, site_sealing_public), site, requester_name, log_index, query_id, record)
    if not hmac.compare_digest(mac, expected):
        raise ValueError(f"explanation from {site} is not authenticated by the site's key: do not use it")
    return {"site": site, "queryId": query_id, "model": names[-1], "covered": p[1] == 1,
            "reasons": [{"feature": f, "direction": "increases-risk", "rank": i + 1} for i, f in enumerate(names[:-1])]}


# ---------------------------------------------------------------- signed notes (checkpoints)

EM_DASH = "\u2014"


def note_key_id(name: str, sig_type: int, public_key: bytes) -> bytes:
    """c2sp.org/signed-note key ID: SHA-256(name || 0x0A || type || key)[:4]; type 0x01 Ed25519, 0x04 cosignature/v1."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([sig_type]) + public_key).digest()[:4]


def signature_line(name: str, key_id: bytes, signature: bytes) -> str:
    return f"{EM_DASH} {name} {base64.b64encode(key_id + signature).decode('ascii')}\n"


def checkpoint_text(origin: str, size: int, root: bytes) -> str:
    return f"{origin}\n{size}\n{base64.b64encode(root).decode('ascii')}\n"


def cosignature_message(checkpoint: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint}".encode("utf-8")


def split_note(note: str) -> tuple[str, list[tuple[str, bytes, bytes]]]:
    """(text, [(key name, key ID, signature bytes)]) of a signed note."""
    sep = note.rindex("\n\n")
    text, lines = note[:sep + 1], note[sep + 2:-1].split("\n")
    sigs = []
    for line in lines:
        dash, name, b64 = line.split(" ")
        if dash != EM_DASH:
            raise ValueError("signature line does not start with an em dash")
        raw = base64.b64decode(b64, validate=True)
        sigs.append((name, raw[:4], raw[4:]))
    return text, sigs
