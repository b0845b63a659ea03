from dataclasses import asdict
from pathlib import Path

from irportal.audit import chain, signing
from irportal.audit.checkpoint import Checkpoint, parse, signed_message


def sign_checkpoint(path: Path, checkpoint: Checkpoint) -> Checkpoint:
    """Append ``checkpoint`` to the file as the app would, signed with the current key, whatever the log holds."""
    data = path.read_bytes() if path.exists() else b""
    record = {**asdict(checkpoint), "prev": parse(data)[0].digest, "key": signing.fingerprint()}
    record["signature"] = signing.sign(signed_message(record))
    path.write_bytes(data + chain.canonical_json(record) + b"\n")
    return checkpoint
