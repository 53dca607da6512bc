#!/usr/bin/env python3
"""An SMTP server for the integration tests (aiosmtpd): records and parses
every message it is sent, and answers from a script.

usage: smtpd.py --port-file FILE --log FILE [--script FILE]
                [--user USER --password PASSWORD]

Listens on 127.0.0.1 on a free port and writes the port to --port-file
(atomically, once it answers).  No STARTTLS is offered: the tests set
`starttls = false` on their smtp channel.

Each DATA becomes one JSON line in --log, whatever the reply:

    {"n": 0, "t_ms": ..., "reply": "250 OK", "accepted": true,
     "auth": "duban", "mail_from": "...", "rcpt_to": ["..."],
     "from": "...", "to": "...", "subject": "decoded subject",
     "subject_raw": "=?UTF-8?B?...?=", "date": "...",
     "message_id": "<...>", "mime_version": "1.0",
     "content_type": "multipart/alternative",
     "parts": [{"type": "text/plain", "charset": "utf-8",
                "encoding": "base64"}, ...],
     "text": "the text/plain part, decoded, LF line ends",
     "html": "the text/html part, likewise",
     "ascii_headers": true, "raw": "the message as received"}

A refused RCPT is logged as {"n", "t_ms", "reply", "rcpt": ADDRESS}.

The --script file is re-read for every command it scripts; its lines are
consumed in order per command, and once used up the command gets 250.
Blank lines and lines starting with # are skipped.  A line is

    [DATA|RCPT] CODE TEXT     e.g. "451 4.3.0 Try again later",
                              "RCPT 550 5.1.1 No such user"

without a prefix a line scripts DATA.  With --user and --password, AUTH
PLAIN and LOGIN are offered over the plain connection and required before
MAIL.  SIGTERM and SIGINT stop the server cleanly (exit 0).
"""
import argparse
import email
import email.policy
import json
import logging
import os
import signal
import sys
import threading
import time
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Script:
    """Scripted replies per command, from a file re-read on each use."""

    def __init__(self, path):
        self.path = path
        self.used = {"DATA": 0, "RCPT": 0}
        self.lock = threading.Lock()

    def _lines(self, command):
        if self.path is None:
            return []
        try:
            with open(self.path, encoding="utf-8") as f:
                raw = [ln.strip() for ln in f]
        except FileNotFoundError:
            return []
        lines = []
        for ln in raw:
            if not ln or ln.startswith("#"):
                continue
            word, _, rest = ln.partition(" ")
            if word.upper() in ("DATA", "RCPT"):
                if word.upper() == command:
                    lines.append(rest.strip())
            elif command == "DATA":
                lines.append(ln)
        return lines

    def reply(self, command):
        with self.lock:
            lines = self._lines(command)
            if self.used[command] < len(lines):
                self.used[command] += 1
                line = lines[self.used[command] - 1]
                if len(line) < 3 or not line[:3].isdigit():
                    raise ValueError(f"bad script line: {line!r}")
                return line
            return None


def describe(content):
    """The fields of a message the tests look at."""
    msg = email.message_from_bytes(content, policy=email.policy.default)
    raw = email.message_from_bytes(content, policy=email.policy.compat32)
    header_end = content.find(b"\r\n\r\n")
    if header_end < 0:
        header_end = content.find(b"\n\n")
    head = content if header_end < 0 else content[:header_end]
    entry = {
        "from": str(msg.get("From", "")),
        "to": str(msg.get("To", "")),
        "subject": str(msg.get("Subject", "")),
        "subject_raw": str(raw.get("Subject", "")),
        "date": str(msg.get("Date", "")),
        "message_id": str(msg.get("Message-ID", "")),
        "mime_version": str(msg.get("MIME-Version", "")),
        "content_type": msg.get_content_type(),
        "ascii_headers": all(b < 128 for b in head),
        "parts": [],
        "text": None,
        "html": None,
    }
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        entry["parts"].append({
            "type": ctype,
            "charset": part.get_content_charset(),
            "encoding": part.get("Content-Transfer-Encoding", "7bit").lower(),
        })
        if ctype in ("text/plain", "text/html"):
            key = "text" if ctype == "text/plain" else "html"
            if entry[key] is None:
                # Text travels with CRLF line ends; tests compare with LF.
                entry[key] = part.get_content().replace("\r\n", "\n")
    return entry


class Handler:
    def __init__(self, script, log_path):
        self.script = script
        self.file = open(log_path, "a", encoding="utf-8")
        self.n = 0
        self.lock = threading.Lock()

    def record(self, entry):
        with self.lock:
            entry["n"] = self.n
            self.n += 1
            self.file.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.file.flush()

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        reply = self.script.reply("RCPT")
        if reply is not None and not reply.startswith("2"):
            self.record({"t_ms": int(time.time() * 1000), "reply": reply,
                         "rcpt": address})
            return reply
        envelope.rcpt_tos.append(address)
        return reply or "250 OK"

    async def handle_DATA(self, server, session, envelope):
        arrival = int(time.time() * 1000)
        reply = self.script.reply("DATA") or "250 Message accepted"
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", errors="surrogateescape")
        entry = {
            "t_ms": arrival,
            "reply": reply,
            "accepted": reply.startswith("2"),
            "auth": None,
            "mail_from": envelope.mail_from,
            "rcpt_to": list(envelope.rcpt_tos),
        }
        if isinstance(session.auth_data, LoginPassword):
            entry["auth"] = session.auth_data.login.decode("utf-8",
                                                           "replace")
        try:
            entry.update(describe(content))
        except Exception as e:  # a broken message is what a test must see
            entry["parse_error"] = f"{type(e).__name__}: {e}"
        entry["raw"] = content.decode("utf-8", errors="replace")
        self.record(entry)
        return reply

    def close(self):
        self.file.close()


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode("utf-8")
        self.password = password.encode("utf-8")

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and
              auth_data.login == self.user and
              auth_data.password == self.password)
        # handled=False: smtp_AUTH itself answers 535 on failure.
        return AuthResult(success=ok, handled=False, auth_data=auth_data)


class PortZeroController(Controller):
    """A Controller that may bind port 0: it learns the port the kernel
    chose before connecting to itself to check that it answers."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--script")
    ap.add_argument("--user")
    ap.add_argument("--password")
    args = ap.parse_args()
    if (args.user is None) != (args.password is None):
        ap.error("--user and --password go together")

    # Plain-text AUTH is what the tests want: no warnings about it.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    handler = Handler(Script(args.script), args.log)
    options = {"server_hostname": "sink.test", "auth_require_tls": False}
    if args.user is not None:
        options["authenticator"] = Authenticator(args.user, args.password)
        options["auth_required"] = True

    stop = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    controller = PortZeroController(handler, hostname="127.0.0.1", port=0,
                                    **options)
    controller.start()
    tmp = f"{args.port_file}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(f"{controller.port}\n")
    os.replace(tmp, args.port_file)
    signal.sigwait(stop)
    controller.stop()
    handler.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
