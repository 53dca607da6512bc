#!/usr/bin/env python3
"""A webhook sink for the integration tests: records every request it gets
and answers from a script.

usage: sink.py --port-file FILE --log FILE [--script FILE] [--default LINE]
               [--refuse-until FILE]

Listens on 127.0.0.1 on a free port and writes the port to --port-file
(atomically, once listening).  With --refuse-until, the port is bound and
written at once but the sink only listens once FILE exists: until then a
connection to it is refused, as to a server that is down.

Each request becomes one JSON line in --log:

    {"n": 0, "t_ms": 1729645200123, "method": "POST", "path": "/hook",
     "query": "a=1&b=2", "params": {"a": "1", "b": "2"},
     "headers": {"content-type": "application/json", ...},
     "body": "...", "reply": "200 {...}"}

t_ms is the arrival time (Unix epoch, ms); header names are lower-case;
params holds the last value of each query parameter, URL-decoded; the
body is the request body as UTF-8 text.

The --script file is re-read on every request (a test may append to it
while the sink runs); its lines are consumed in order, one per request,
and once they are used up every request gets --default (by default
`200 {"errcode":0,"errmsg":"ok"}`).  Blank lines and lines starting with
# are skipped.  A line is one of:

    STATUS [BODY]        answer with that HTTP status and body (JSON bodies
                         get Content-Type application/json)
    HANG SECONDS [LINE]  wait that long, then answer with LINE (or, without
                         it, 200 {"errcode":0,"errmsg":"ok"})
    CLOSE                close the connection without answering

--default takes the same forms.  SIGTERM and SIGINT stop the sink
cleanly (exit 0).
"""
import argparse
import http.server
import json
import os
import signal
import socket
import sys
import threading
import time
import urllib.parse

OK_LINE = '200 {"errcode":0,"errmsg":"ok"}'


class Script:
    """The scripted replies: lines of a file consumed in order."""

    def __init__(self, path, default):
        self.path = path
        self.default = default
        self.used = 0
        self.lock = threading.Lock()

    def _lines(self):
        if self.path is None:
            return []
        try:
            with open(self.path, encoding="utf-8") as f:
                return [ln.strip() for ln in f
                        if ln.strip() and not ln.lstrip().startswith("#")]
        except FileNotFoundError:
            return []

    def next_line(self):
        with self.lock:
            lines = self._lines()
            if self.used < len(lines):
                self.used += 1
                return lines[self.used - 1]
            return self.default


def parse_line(line):
    """A script line as (hang seconds, status or None for CLOSE, body)."""
    hang = 0.0
    words = line.split(None, 1)
    if words and words[0].upper() == "HANG":
        rest = words[1].split(None, 1) if len(words) > 1 else []
        if not rest:
            raise ValueError(f"HANG needs seconds: {line!r}")
        hang = float(rest[0])
        line = rest[1] if len(rest) > 1 else OK_LINE
        words = line.split(None, 1)
    if words and words[0].upper() == "CLOSE":
        return hang, None, ""
    if not words or not words[0].isdigit():
        raise ValueError(f"bad script line: {line!r}")
    return hang, int(words[0]), words[1] if len(words) > 1 else ""


class Recorder:
    """Appends one JSON line per request to the log, in arrival order."""

    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")
        self.n = 0
        self.lock = threading.Lock()

    def record(self, entry):
        with self.lock:
            entry["n"] = self.n
            self.n += 1
            self.file.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.file.flush()

    def close(self):
        self.file.close()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "duban-test-sink/1"

    def log_message(self, format, *args):  # noqa: A002 (the base's name)
        pass  # the JSON log is the record; keep stderr quiet

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self):
        arrival = int(time.time() * 1000)
        body = self._read_body()
        url = urllib.parse.urlsplit(self.path)
        line = self.server.script.next_line()
        self.server.recorder.record({
            "t_ms": arrival,
            "method": self.command,
            "path": url.path,
            "query": url.query,
            "params": dict(urllib.parse.parse_qsl(url.query,
                                                  keep_blank_values=True)),
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", errors="replace"),
            "reply": line,
        })
        try:
            hang, status, text = parse_line(line)
        except ValueError as e:
            print(f"sink: {e}", file=sys.stderr)
            hang, status, text = 0.0, 599, str(e)
        if hang > 0:
            time.sleep(hang)
        if status is None:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        payload = text.encode("utf-8")
        is_json = text.startswith(("{", "["))
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; "
                             "charset=utf-8" if is_json else
                             "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            # The client went away (a test killed duband mid-request).
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def write_atomically(path, text):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--script")
    ap.add_argument("--default", default=OK_LINE)
    ap.add_argument("--refuse-until")
    args = ap.parse_args()
    parse_line(args.default)  # refuse a bad default at start

    # Only the main thread takes SIGTERM/SIGINT, through sigwait below.
    stop = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    server = Server(("127.0.0.1", 0), Handler, bind_and_activate=False)
    server.server_bind()
    server.script = Script(args.script, args.default)
    server.recorder = Recorder(args.log)

    stopping = threading.Event()
    gate = threading.Lock()
    running = []  # not empty once serve_forever is bound to run

    def serve():
        # Bound but not listening: the kernel refuses connections.
        while (args.refuse_until is not None and
               not os.path.exists(args.refuse_until)):
            if stopping.wait(0.02):
                return
        with gate:
            if stopping.is_set():
                return
            running.append(True)
        if args.refuse_until is not None:
            server.server_activate()
        server.serve_forever(poll_interval=0.1)

    if args.refuse_until is None:
        server.server_activate()
    serving = threading.Thread(target=serve)
    serving.start()
    write_atomically(args.port_file, f"{server.server_address[1]}\n")
    signal.sigwait(stop)
    with gate:
        stopping.set()
    if running:
        server.shutdown()
    serving.join()
    server.server_close()
    server.recorder.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
