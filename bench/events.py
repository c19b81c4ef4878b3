"""Measures the change log against a running server (see bench/events.sh): creates per
second without and with webhooks, delivered events per second, and the lag from commit
to delivery and to a stream client. Standard library only."""

import http.client
import http.server
import json
import statistics
import sys
import threading
import time
from datetime import datetime
from urllib.parse import urlparse

base, token, duration, connections, webhooks = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
host = urlparse(base)


def connect():
    return http.client.HTTPConnection(host.hostname, host.port, timeout=30)


def call(conn, method, path, body=None):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def committed(event):
    return datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00")).timestamp()


def creates(seconds, label):
    """Creates drafts from `connections` threads for `seconds`; prints creates per second."""
    stop = time.monotonic() + seconds
    counts, failures = [0] * connections, [0] * connections

    def writer(n):
        conn = connect()
        while time.monotonic() < stop:
            status, _ = call(conn, "POST", "/api/v1/admin/content/post", {"title": f"Bench {n} {counts[n]}", "body": "Text."})
            if status == 201:
                counts[n] += 1
            else:
                failures[n] += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    total = sum(counts)
    print(f"{label}: {total / elapsed:.0f} creates/s ({total} in {elapsed:.1f} s, {connections} writers, {sum(failures)} refused)")
    return total


arrivals = []  # (arrival time, commit time)
arrived = threading.Condition()


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        now = time.time()
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()
        event = json.loads(body)
        if event["type"] != "webhook.ping":
            with arrived:
                arrivals.append((now, committed(event)))
                arrived.notify_all()

    def log_message(self, *args):
        pass


stream_lags = []


def stream_reader():
    conn = connect()
    conn.request("GET", "/api/v1/events?types=entry.created", headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    for raw in response:
        line = raw.decode().rstrip("\n")
        if line.startswith("data: "):
            stream_lags.append(time.time() - committed(json.loads(line[6:])))


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


creates(duration, "no webhook")
if webhooks == 0:
    sys.exit(0)

receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=receiver.serve_forever, daemon=True).start()
conn = connect()
for n in range(webhooks):
    status, body = call(conn, "POST", "/api/v1/admin/webhooks", {"url": f"http://127.0.0.1:{receiver.server_port}/hook/{n}", "event_types": ["entry.created"]})
    assert status == 201, body
threading.Thread(target=stream_reader, daemon=True).start()
time.sleep(1)

first_write = time.time()
made = creates(duration, f"{webhooks} webhook(s) and a stream")
expected = made * webhooks
with arrived:
    arrived.wait_for(lambda: len(arrivals) >= expected, timeout=120)
last = max(a for a, _ in arrivals) if arrivals else first_write
print(f"delivered: {len(arrivals)} of {expected} in {last - first_write:.1f} s from the first write: {len(arrivals) / (last - first_write):.0f} events/s")
lags = [a - c for a, c in arrivals]
print(f"commit to webhook delivery: p50 {percentile(lags, 0.5):.1f} ms, p99 {percentile(lags, 0.99):.1f} ms")
if stream_lags:
    print(f"commit to stream client: p50 {percentile(stream_lags, 0.5):.1f} ms, p99 {percentile(stream_lags, 0.99):.1f} ms ({len(stream_lags)} events)")

# Lag on a quiet server: one write at a time.
arrivals.clear()
stream_lags.clear()
for n in range(50):
    call(conn, "POST", "/api/v1/admin/content/post", {"title": f"Quiet {n}", "body": "Text."})
    time.sleep(0.05)
with arrived:
    arrived.wait_for(lambda: len(arrivals) >= 50 * webhooks, timeout=30)
time.sleep(0.5)
lags = [a - c for a, c in arrivals]
print(f"one write at a time: commit to delivery p50 {percentile(lags, 0.5):.1f} ms, p99 {percentile(lags, 0.99):.1f} ms; to stream p50 {percentile(stream_lags, 0.5):.1f} ms, p99 {percentile(stream_lags, 0.99):.1f} ms")
