"""The hash chain's arithmetic, in the Python standard library only.

An entry's hash is SHA-256 over the canonical JSON of its hashed fields, the
previous entry's hash included. Canonical JSON: keys sorted, no whitespace
(separators "," and ":"), non-ASCII characters written as themselves, UTF-8.
README.md ("The audit hash chain") is the reference an outside auditor reads;
tools/verify_audit_export.py applies the same rules without this package.
"""

import hashlib
import json

GENESIS_HASH = "0" * 64

HASHED_FIELDS = (
    "sequence",
    "timestamp",
    "group_id",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "changes",
    "data",
    "ip",
    "user_agent",
    "request_id",
    "prev_hash",
)


def canonical_json(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(payload: dict) -> str:
    return hashlib.sha256(canonical_json({name: payload[name] for name in HASHED_FIELDS})).hexdigest()
