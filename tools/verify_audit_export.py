#!/usr/bin/env python3
"""Verify an export of the IR Portal audit log, outside the app, against its signed checkpoints.

Needs only the Python standard library (3.9 or newer). Usage:

    python3 verify_audit_export.py audit-log.jsonl
    python3 verify_audit_export.py audit-log.csv --checkpoints audit-checkpoints.jsonl --public-key key.pem
    python3 verify_audit_export.py audit-log-filtered-....jsonl

The export is JSON Lines or CSV (as the compliance pages export them; the
"CSV for spreadsheets" is not verifiable: it changes cells). Each entry
carries the hashed fields and ``entry_hash``. For each entry the tool
recomputes the hash as docs/auditors/hash-chain.md describes:

    SHA-256 (lower-case hex) over the canonical JSON of the fields
    sequence, timestamp, group_id, actor_id, actor_label, action,
    object_type, object_id, object_label, changes, data, ip, user_agent,
    request_id and prev_hash: keys sorted by code point, no whitespace
    (separators "," and ":"), non-ASCII characters as themselves, UTF-8.

In the CSV, ``sequence`` is a whole number, an empty ``actor_id`` is null,
``changes`` and ``data`` are canonical JSON, every other cell is text.

A full export must start at entry 1 (whose prev_hash is 64 zeros), number
its entries without gaps, and link each entry's prev_hash to the entry_hash
before it. A filtered export says so on its first line (JSON Lines: an
object with ``"export": "filtered"``; CSV: a first row starting with
``# ``): then each entry's own hash is checked, and the links between
entries that follow each other. ``--filtered`` treats an export without
that line as filtered too.

``--checkpoints`` takes the checkpoint file (downloaded from the compliance
pages, or the app's AUDIT_CHECKPOINT_FILE) and ``--public-key`` the key that
signs it (PEM). Each checkpoint line commits to every byte before it
(``prev``: SHA-256 of them); the newest line's Ed25519 signature, checked
with the public key, therefore vouches for the whole file. Every checkpoint
the export reaches must then name an entry with the same hash, and one
beyond its end means entries were cut from the end: download the
checkpoints first, then the export, so that the export holds every entry a
checkpoint names. A restore the operator
accepted (an ``audit.restore_accepted`` entry in the export) sets aside the
checkpoints of the log it replaced, as the app's own verification does.

Prints the number of entries, the head and the checkpoints' signer, or names
the first broken link. Exit status: 0 intact, 1 broken, 2 unreadable input.
"""

import argparse
import base64
import csv
import hashlib
import json
import sys

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
COLUMNS = (*HASHED_FIELDS, "entry_hash")
SIGNED_FIELDS = ("at", "sequence", "entry_hash", "prev", "key")
RESTORE_ACCEPTED = "audit.restore_accepted"


class Broken(Exception):
    def __init__(self, sequence, problem):
        super().__init__(problem)
        self.sequence = sequence
        self.problem = problem


class Unreadable(Exception):
    pass


def canonical_json(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(entry: dict) -> str:
    return hashlib.sha256(canonical_json({name: entry[name] for name in HASHED_FIELDS})).hexdigest()


# --- Ed25519 signature verification (RFC 8032, section 5.1.7), in integers only --------------------------------

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _recover_x(y, sign):
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    return _P - x if (x & 1) != sign else x


def _point(encoded):
    """A point in extended coordinates from its 32-byte encoding, or None."""
    y = int.from_bytes(encoded, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


def _add(p, q):
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _multiply(scalar, point):
    result = (0, 1, 1, 0)
    while scalar:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _same(p, q):
    return (p[0] * q[2] - q[0] * p[2]) % _P == 0 and (p[1] * q[2] - q[1] * p[2]) % _P == 0


_BASE_Y = 4 * pow(5, _P - 2, _P) % _P
_BASE = (_recover_x(_BASE_Y, 0), _BASE_Y, 1, _recover_x(_BASE_Y, 0) * _BASE_Y % _P)


def ed25519_valid(public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a, r = _point(public_key), _point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % _L
    return _same(_multiply(s, _BASE), _add(r, _multiply(k, a)))


# SubjectPublicKeyInfo of an Ed25519 key: this prefix, then the 32 bytes of the key.
_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")


def read_public_key(path) -> bytes:
    try:
        with open(path, encoding="ascii") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise Unreadable(f"{path}: {getattr(exc, 'strerror', None) or exc}") from None
    body = "".join(line for line in text.splitlines() if line and not line.startswith("-----"))
    try:
        der = base64.b64decode(body, validate=True)
    except ValueError:
        der = b""
    if len(der) != 44 or not der.startswith(_SPKI_PREFIX):
        raise Unreadable(f"{path} is not an Ed25519 public key in PEM (BEGIN PUBLIC KEY)")
    return der[len(_SPKI_PREFIX) :]


def fingerprint(public_key: bytes) -> str:
    return "SHA256:" + base64.b64encode(hashlib.sha256(public_key).digest()).decode().rstrip("=")


# --- the checkpoint file ------------------------------------------------------------------------------------------


def read_checkpoints(path, public_key):
    """[(at, sequence, entry_hash)], once the file's links and its newest signature are shown to hold."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise Unreadable(f"{path}: {exc.strerror}") from None
    running, checkpoints, newest, signed_line = hashlib.sha256(), [], None, 0
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        if line.strip():
            try:
                record = json.loads(line)
                checkpoints.append((str(record["at"]), int(record["sequence"]), str(record["entry_hash"])))
            except (ValueError, KeyError, TypeError):
                raise Unreadable(f"{path}: line {number} is not a checkpoint") from None
            if "signature" in record:
                if record.get("prev") != running.hexdigest():
                    raise Broken(
                        record["sequence"],
                        f"checkpoint file line {number} does not follow the lines before it: the file was changed",
                    )
                signed_line, newest = number, record
            elif signed_line:
                raise Broken(record["sequence"], f"checkpoint file line {number} is not signed: the file was changed")
            else:
                newest = None
        running.update(line)
    if not checkpoints:
        return [], None
    if newest is None:
        raise Broken(checkpoints[-1][1], "the newest checkpoint is not signed")
    try:
        signature = base64.b64decode(str(newest["signature"]), validate=True)
        message = canonical_json({field: newest[field] for field in SIGNED_FIELDS})
    except (ValueError, KeyError):
        signature, message = b"", b""
    if not ed25519_valid(public_key, message, signature):
        raise Broken(
            newest["sequence"],
            f"the newest checkpoint's signature does not verify with key {fingerprint(public_key)} "
            f"(it names key {newest.get('key')}): the checkpoint file was changed, or this is not its key",
        )
    return checkpoints, newest.get("key")


def superseded(checkpoints, acceptances):
    """Positions of the checkpoints accepted restores set aside (as irportal/audit/verify.py decides)."""
    positions = set()
    for entry_sequence, restored_sequence, through in acceptances:
        try:
            last = checkpoints.index(through)
        except ValueError:
            raise Broken(
                entry_sequence,
                f"the restore accepted in entry #{entry_sequence} names checkpoint #{through[1]} of {through[0]}, "
                "which the checkpoint file does not have: the file was changed",
            ) from None
        positions.update(
            position for position, checkpoint in enumerate(checkpoints[: last + 1]) if checkpoint[1] > restored_sequence
        )
    return positions


# --- the export ---------------------------------------------------------------------------------------------------


def _csv_entry(row, line_number):
    if len(row) != len(COLUMNS):
        raise ValueError(f"line {line_number} has {len(row)} cells, not {len(COLUMNS)}")
    entry = dict(zip(COLUMNS, row))  # noqa: B905 - lengths checked above; strict= needs Python 3.10
    entry["sequence"] = int(entry["sequence"])
    entry["actor_id"] = int(entry["actor_id"]) if entry["actor_id"] else None
    entry["changes"], entry["data"] = json.loads(entry["changes"]), json.loads(entry["data"])
    return entry


def read_export(path):
    """(description of a filtered export or None, iterator of (line number, entry))."""
    try:
        handle = open(path, encoding="utf-8", newline="")  # noqa: SIM115 - closed by the entries' generator
        first = handle.readline()
    except OSError as exc:
        raise Unreadable(f"{path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise Unreadable(f"{path} is not UTF-8 text") from None
    handle.seek(0)
    if first.lstrip().startswith("{"):
        return _jsonl(handle)
    return _csv(handle)


def _jsonl(handle):
    lines = enumerate(handle, start=1)
    description = None
    for line_number, line in lines:
        try:
            header = json.loads(line)
        except ValueError:
            header = None
        if isinstance(header, dict) and header.get("export") == "filtered":
            description = str(header.get("description") or "filtered")
        else:
            lines = _chain([(line_number, line)], lines)
        break
    return description, _jsonl_entries(handle, lines)


def _chain(first, rest):
    yield from first
    yield from rest


def _jsonl_entries(handle, lines):
    with handle:
        for line_number, line in lines:
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                yield line_number, ValueError(f"line {line_number} is not JSON: the export was damaged")
                return
            yield line_number, entry


def _csv(handle):
    reader = csv.reader(handle)
    description = None
    rows = enumerate(reader, start=1)
    for line_number, row in rows:
        if row and row[0].startswith("# "):
            description = row[0][2:]
            continue
        if tuple(row) != COLUMNS:
            return description, iter([(line_number, ValueError(f"line {line_number} is not the CSV export's header"))])
        break
    return description, _csv_entries(handle, rows)


def _csv_entries(handle, rows):
    with handle:
        for line_number, row in rows:
            if not row:
                continue
            try:
                yield line_number, _csv_entry(row, line_number)
            except ValueError as exc:
                yield line_number, ValueError(f"{exc}: the export was damaged")
                return


def checked_entries(entries):
    last = 0
    for line_number, entry in entries:
        if isinstance(entry, ValueError):
            raise Broken(last + 1, str(entry))
        if not isinstance(entry, dict):
            raise Broken(last + 1, f"line {line_number} is not an entry")
        missing = [name for name in COLUMNS if name not in entry]
        if missing:
            raise Broken(last + 1, f"line {line_number} lacks {', '.join(missing)}")
        if not isinstance(entry["sequence"], int) or isinstance(entry["sequence"], bool):
            raise Broken(last + 1, f"line {line_number}: sequence is not a whole number")
        last = entry["sequence"]
        yield line_number, entry


def verify(path, checkpoints=(), filtered=False):
    """Return (count, head_sequence, head_hash, description); raise Broken at the first broken link."""
    description, entries = read_export(path)
    filtered = filtered or description is not None
    seen, acceptances = {}, []
    count, previous_sequence, previous_hash = 0, 0, GENESIS_HASH
    try:
        for line_number, entry in checked_entries(entries):
            sequence = entry["sequence"]
            where = f"entry #{sequence} (line {line_number})"
            if sequence <= previous_sequence:
                raise Broken(sequence, f"{where} is out of order: it follows #{previous_sequence}")
            adjacent = sequence == previous_sequence + 1
            if not adjacent and not filtered:
                missing = previous_sequence + 1
                raise Broken(missing, f"entry #{missing} is missing (line {line_number} holds #{sequence})")
            if adjacent and (count or sequence == 1) and entry["prev_hash"] != previous_hash:
                raise Broken(
                    sequence, f"{where} does not link to entry #{previous_sequence}: prev_hash is not its hash"
                )
            if entry_hash(entry) != entry["entry_hash"]:
                raise Broken(sequence, f"{where} was altered: its content does not match its entry_hash")
            seen[sequence] = entry["entry_hash"]
            if entry["action"] == RESTORE_ACCEPTED:
                acceptances.append(_acceptance(entry))
            count += 1
            previous_sequence, previous_hash = sequence, entry["entry_hash"]
    except OSError as exc:
        raise Unreadable(f"{path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise Unreadable(f"{path} is not UTF-8 text") from None
    set_aside = superseded(list(checkpoints), acceptances)
    for position, (at, sequence, expected) in enumerate(checkpoints):
        if position in set_aside:
            continue
        if sequence > previous_sequence and not filtered:
            raise Broken(
                sequence,
                f"checkpoint of {at} recorded entry #{sequence}, but the export ends at #{previous_sequence}: "
                "entries were removed from the end (or the checkpoints were downloaded after the export: "
                "download them first)",
            )
        if sequence in seen and seen[sequence] != expected:
            raise Broken(sequence, f"checkpoint of {at} disagrees with entry #{sequence}: the chain was rewritten")
    return count, previous_sequence, previous_hash, description


def _acceptance(entry):
    try:
        data = entry["data"]
        through = data["through"]
        return (
            entry["sequence"],
            int(data["restored_sequence"]),
            (str(through["at"]), int(through["sequence"]), str(through["entry_hash"])),
        )
    except (KeyError, TypeError, ValueError):
        raise Broken(
            entry["sequence"], f"entry #{entry['sequence']} accepts a restore but does not say which"
        ) from None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Verify an export (JSON Lines or CSV) of the IR Portal audit log.")
    parser.add_argument("export", help="the .jsonl or .csv file exported from /compliance/audit/")
    parser.add_argument("--checkpoints", metavar="FILE", help="the checkpoint file (the compliance pages' download)")
    parser.add_argument("--public-key", metavar="PEM", help="the key the checkpoints are signed with (PEM)")
    parser.add_argument(
        "--filtered", action="store_true", help="the export is of a filtered view: check hashes and adjacent links"
    )
    args = parser.parse_args(argv)
    if args.checkpoints and not args.public_key:
        print("cannot read: --checkpoints needs --public-key: checkpoints are evidence only with their signature",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        checkpoints, signer = [], None
        if args.checkpoints:
            checkpoints, signer = read_checkpoints(args.checkpoints, read_public_key(args.public_key))
        count, head_sequence, head_hash, description = verify(args.export, checkpoints, filtered=args.filtered)
    except Unreadable as exc:
        print(f"cannot read: {exc}", file=sys.stderr)
        return 2
    except Broken as exc:
        print(f"BROKEN at #{exc.sequence}: {exc.problem}", file=sys.stderr)
        return 1
    if count == 0:
        print("BROKEN at #1: the export holds no entries", file=sys.stderr)
        return 1
    print(f"entries: {count}")
    print(f"head: #{head_sequence} {head_hash}")
    if args.checkpoints:
        print(f"checkpoints: {len(checkpoints)} checked, signed with key {signer}")
    if description is not None or args.filtered:
        print(f"filtered export ({description or 'filtered'}): every entry matches its hash")
    else:
        print("export intact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
