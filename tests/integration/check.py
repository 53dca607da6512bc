#!/usr/bin/env python3
"""Helpers for the reminder integration tests: read the JSON logs of
sink.py and smtpd.py (and JSON answers of the API), verify signatures
independently of duban, and compare sequences.

Records come from a JSON-lines file, or with --list PATH from the list at
PATH inside one JSON document (e.g. --list reminders for the answer of
GET /v1/reminders; --list . when the document is the list), or with --doc
from one JSON document as the only record.  --where
KEY=VALUE (repeatable) keeps the records whose field KEY is VALUE.

A field is a dotted path: `headers.idempotency-key`, `params.sign`,
`body.json.markdown.content` (`json` parses a string as JSON), list
indices (`rcpt_to.0`), `keys` (the sorted keys of an object, comma
separated) and `len`.  Strings print as they are, anything else as JSON.

  check.py count FILE [--where K=V]...
  check.py get FILE INDEX FIELD [--where K=V]...
      one field of record INDEX (negative: from the end)
  check.py lines FILE FORMAT [--where K=V]... [--clock STEPS] [--expect F]
      one line per record, FORMAT with {FIELD} substitutions; with
      --expect, exits 1 with a diff unless the lines are F's lines.
      {fake} is the record's arrival (t_ms) on duband's fake clock, to the
      minute, from --clock STEPS: lines "FIRST_N LAUNCH_MS FAKE_START" (the
      daemon started with --fake-now FAKE_START at LAUNCH_MS; records from
      number FIRST_N on arrived during that run).  {late} is the seconds
      past that minute.
  check.py sign-webhook FILE INDEX SECRET_FILE [--where K=V]...
      X-Duban-Signature is HMAC-SHA256(key=secret, msg=body), as
      "sha256=HEX"
  check.py sign-dingtalk FILE INDEX SECRET_FILE [--where K=V]...
      query timestamp (ms) and sign = urlencode(base64(HMAC-SHA256(
      key=secret, msg=timestamp + "\\n" + secret)))
  check.py sign-feishu FILE INDEX SECRET_FILE [--where K=V]...
      body timestamp (s) and sign = base64(HMAC-SHA256(key=timestamp +
      "\\n" + secret, msg=""))

Exit status: 0 when the check holds, 1 when it does not (with the reason
on stderr), 2 on bad usage.
"""
import argparse
import base64
import datetime
import difflib
import hashlib
import hmac
import json
import re
import sys
import urllib.parse


class CheckFailed(Exception):
    pass


def field(record, path):
    value = record
    for step in path.split(".") if path else []:
        if step == "json" and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as e:
                raise CheckFailed(f"{path}: not JSON ({e}): {value[:200]!r}")
        elif step == "keys" and isinstance(value, dict):
            value = ",".join(sorted(value))
        elif step == "len" and isinstance(value, (list, dict, str)):
            value = len(value)
        elif isinstance(value, list) and re.fullmatch(r"-?\d+", step):
            try:
                value = value[int(step)]
            except IndexError:
                raise CheckFailed(f"{path}: no element {step}")
        elif isinstance(value, dict) and step in value:
            value = value[step]
        else:
            raise CheckFailed(f"no field {path!r} (at {step!r}) in "
                              f"{json.dumps(record, ensure_ascii=False)[:300]}")
    return value


def text(value):
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def load(args):
    with open(args.file, encoding="utf-8") as f:
        if args.doc:
            records = [json.load(f)]
        elif args.list is not None:
            doc = json.load(f)
            records = doc if args.list == "." else field(doc, args.list)
            if not isinstance(records, list):
                raise CheckFailed(f"{args.list} is not a list")
        else:
            records = [json.loads(ln) for ln in f if ln.strip()]
    for cond in args.where or []:
        key, _, want = cond.partition("=")
        records = [r for r in records if text(field_or_none(r, key)) == want]
    return records


def field_or_none(record, path):
    try:
        return field(record, path)
    except CheckFailed:
        return None


def pick(args):
    records = load(args)
    try:
        return records[args.index]
    except IndexError:
        raise CheckFailed(f"no record {args.index} in {args.file} "
                          f"({len(records)} match)")


def secret(path):
    with open(path, "rb") as f:
        return f.read().rstrip()  # as duban reads it: no trailing space


def hmac_sha256(key, msg):
    return hmac.new(key, msg, hashlib.sha256).digest()


def cmd_count(args):
    print(len(load(args)))


def cmd_get(args):
    print(text(field(pick(args), args.path)))


class FakeClock:
    """Maps arrival times to the fake clock of the daemon run they fell in."""

    def __init__(self, path):
        self.runs = []
        with open(path) as f:
            for ln in f:
                if ln.strip():
                    first, launch, fake = ln.split()
                    self.runs.append((int(first), int(launch),
                                      datetime.datetime.fromisoformat(fake)))

    def at(self, record):
        run = None
        for r in self.runs:
            if record["n"] >= r[0]:
                run = r
        if run is None:
            raise CheckFailed(f"record {record['n']} came before any run")
        _, launch, fake = run
        return fake + datetime.timedelta(milliseconds=record["t_ms"] - launch)


def cmd_lines(args):
    clock = FakeClock(args.clock) if args.clock else None
    out = []
    for rec in load(args):
        def sub(m, rec=rec):
            name = m.group(1)
            if name in ("fake", "late"):
                if clock is None:
                    raise CheckFailed("{fake} and {late} need --clock")
                t = clock.at(rec)
                if name == "fake":
                    return t.strftime("%Y-%m-%dT%H:%M")
                return f"{t.second + t.microsecond / 1e6:.1f}"
            return text(field(rec, name))
        out.append(re.sub(r"\{([^{}]+)\}", sub, args.format))
    if args.expect is None:
        print("\n".join(out))
        return
    with open(args.expect, encoding="utf-8") as f:
        want = [ln.rstrip("\n") for ln in f
                if ln.strip() and not ln.startswith("#")]
    if want != out:
        diff = difflib.unified_diff(want, out, "expected", "got", lineterm="")
        raise CheckFailed("sequence differs:\n" + "\n".join(diff))


def cmd_sign_webhook(args):
    rec = pick(args)
    got = rec["headers"].get("x-duban-signature")
    if got is None:
        raise CheckFailed("no X-Duban-Signature header")
    want = "sha256=" + hmac_sha256(secret(args.secret_file),
                                   rec["body"].encode("utf-8")).hex()
    if not hmac.compare_digest(got.lower(), want):
        raise CheckFailed(f"X-Duban-Signature {got}, expected {want}")


def cmd_sign_dingtalk(args):
    rec = pick(args)
    params = rec["params"]
    for name in ("timestamp", "sign"):
        if name not in params:
            raise CheckFailed(f"no {name} in the query {rec['query']!r}")
    ts = params["timestamp"]
    if not re.fullmatch(r"\d{13}", ts):
        raise CheckFailed(f"timestamp {ts!r} is not in milliseconds")
    key = secret(args.secret_file)
    want = base64.b64encode(hmac_sha256(key, ts.encode() + b"\n" + key))
    want = want.decode()
    if params["sign"] != want:
        raise CheckFailed(f"sign {params['sign']!r}, expected {want!r}")
    # The query must carry it URL-encoded: base64's + / = escaped.
    raw = dict(p.split("=", 1) for p in rec["query"].split("&") if "=" in p)
    if raw["sign"].upper() != urllib.parse.quote(want, safe="").upper():
        raise CheckFailed(f"sign not URL-encoded in the query: {raw['sign']}")


def cmd_sign_feishu(args):
    rec = pick(args)
    body = field(rec, "body.json")
    for name in ("timestamp", "sign"):
        if name not in body:
            raise CheckFailed(f"no {name} in the body")
    ts = str(body["timestamp"])
    if not re.fullmatch(r"\d{10}", ts):
        raise CheckFailed(f"timestamp {ts!r} is not in seconds")
    key = ts.encode() + b"\n" + secret(args.secret_file)
    want = base64.b64encode(hmac_sha256(key, b"")).decode()
    if body["sign"] != want:
        raise CheckFailed(f"sign {body['sign']!r}, expected {want!r}")


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)

    def command(name, fn, index=False):
        p = sub.add_parser(name)
        p.add_argument("file")
        if index:
            p.add_argument("index", type=int)
        p.add_argument("--where", action="append", metavar="KEY=VALUE")
        p.add_argument("--list", metavar="PATH")
        p.add_argument("--doc", action="store_true")
        p.set_defaults(fn=fn)
        return p

    command("count", cmd_count)
    command("get", cmd_get, index=True).add_argument("path")
    p = command("lines", cmd_lines)
    p.add_argument("format")
    p.add_argument("--clock")
    p.add_argument("--expect")
    for name, fn in (("sign-webhook", cmd_sign_webhook),
                     ("sign-dingtalk", cmd_sign_dingtalk),
                     ("sign-feishu", cmd_sign_feishu)):
        command(name, fn, index=True).add_argument("secret_file")
    args = ap.parse_args()
    try:
        args.fn(args)
    except CheckFailed as e:
        print(f"check.py {args.command}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
