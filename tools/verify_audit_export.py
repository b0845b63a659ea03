#!/usr/bin/env python3
"""Verify a JSON Lines export of the IR Portal audit log, outside the app.

Needs only the Python standard library (3.9 or newer). Usage:

    python3 verify_audit_export.py audit-log.jsonl
    python3 verify_audit_export.py audit-log.jsonl --checkpoints audit-checkpoints.log
    python3 verify_audit_export.py filtered.jsonl --filtered

Each line of the export is one entry: a JSON object with the hashed fields
and ``entry_hash``. For each entry the tool recomputes the hash as the
README's "The audit hash chain" section describes:

    SHA-256 (lower-case hex) over the canonical JSON of the fields
    sequence, timestamp, group_id, actor_id, actor_label, action,
    object_type, object_id, object_label, changes, data, ip, user_agent,
    request_id and prev_hash: keys sorted by code point, no whitespace
    (separators "," and ":"), non-ASCII characters as themselves, UTF-8.

A full export must start at entry 1 (whose prev_hash is 64 zeros), number
its entries without gaps, and link each entry's prev_hash to the entry_hash
before it. With ``--checkpoints`` (the app's checkpoint file, one JSON
object ``{"at", "sequence", "entry_hash"}`` per line), every checkpoint the
export reaches must name an entry with the same hash, and one beyond its end
means entries were cut from the end. ``--filtered`` checks an export of a
filtered view: each entry's own hash, and the links between entries that
follow each other.

Prints the number of entries and the head, or names the first broken link.
Exit status: 0 intact, 1 broken, 2 unreadable input.
"""

import argparse
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


def read_entries(path):
    """Yield (line number, entry); an unparsable line is reported as the entry after the last good one."""
    last = 0
    with open(path, encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                raise Broken(last + 1, f"line {line_number} is not JSON: the export was damaged") from None
            if not isinstance(entry, dict):
                raise Broken(last + 1, f"line {line_number} is not an entry")
            missing = [name for name in (*HASHED_FIELDS, "entry_hash") if name not in entry]
            if missing:
                raise Broken(last + 1, f"line {line_number} lacks {', '.join(missing)}")
            if not isinstance(entry["sequence"], int) or isinstance(entry["sequence"], bool):
                raise Broken(last + 1, f"line {line_number}: sequence is not a whole number")
            last = entry["sequence"]
            yield line_number, entry


def read_checkpoints(path):
    checkpoints = []
    try:
        with open(path, encoding="utf-8") as handle:
            for line_number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    checkpoints.append((str(record["at"]), int(record["sequence"]), str(record["entry_hash"])))
                except (ValueError, KeyError, TypeError):
                    raise Unreadable(f"{path}: line {line_number} is not a checkpoint") from None
    except OSError as exc:
        raise Unreadable(f"{path}: {exc.strerror}") from None
    return checkpoints


def verify(path, checkpoints=(), filtered=False):
    """Return (count, head_sequence, head_hash); raise Broken at the first broken link."""
    wanted = {sequence for _, sequence, _ in checkpoints}
    seen = {}
    count, previous_sequence, previous_hash = 0, 0, GENESIS_HASH
    try:
        for line_number, entry in read_entries(path):
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
            if sequence in wanted:
                seen[sequence] = entry["entry_hash"]
            count += 1
            previous_sequence, previous_hash = sequence, entry["entry_hash"]
    except OSError as exc:
        raise Unreadable(f"{path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise Unreadable(f"{path} is not UTF-8 text") from None
    for at, sequence, expected in checkpoints:
        if sequence > previous_sequence:
            raise Broken(
                sequence,
                f"checkpoint of {at} recorded entry #{sequence}, but the export ends at #{previous_sequence}: "
                "entries were removed from the end",
            )
        if sequence in seen and seen[sequence] != expected:
            raise Broken(sequence, f"checkpoint of {at} disagrees with entry #{sequence}: the chain was rewritten")
    return count, previous_sequence, previous_hash


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Verify a JSON Lines export of the IR Portal audit log.")
    parser.add_argument("export", help="the .jsonl file exported from /compliance/audit/export.jsonl")
    parser.add_argument("--checkpoints", metavar="FILE", help="the checkpoint file (AUDIT_CHECKPOINT_FILE)")
    parser.add_argument(
        "--filtered", action="store_true", help="the export is of a filtered view: check hashes and adjacent links"
    )
    args = parser.parse_args(argv)
    try:
        checkpoints = read_checkpoints(args.checkpoints) if args.checkpoints else []
        count, head_sequence, head_hash = verify(args.export, checkpoints, filtered=args.filtered)
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
    if checkpoints:
        print(f"checkpoints: {len(checkpoints)} checked")
    print("export intact" if not args.filtered else "filtered export: every entry matches its hash")
    return 0


if __name__ == "__main__":
    sys.exit(main())
