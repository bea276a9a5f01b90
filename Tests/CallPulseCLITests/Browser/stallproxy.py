#!/usr/bin/env python3
"""A TCP proxy to PostgreSQL that can stall: `stallproxy.py TARGET_PORT` prints the port it
listens on; SIGUSR1 makes it stop passing bytes (connections stay open, nothing answers:
a database host that hangs), SIGUSR2 makes it pass them again."""
import select
import signal
import socket
import sys
import threading

# A parent may hand its blocked signals down (the Swift test runner does): take them back.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM, signal.SIGINT})
target = ("127.0.0.1", int(sys.argv[1]))
stalled = threading.Event()
signal.signal(signal.SIGUSR1, lambda *_: stalled.set())
signal.signal(signal.SIGUSR2, lambda *_: stalled.clear())


def pump(client):
    try:
        server = socket.create_connection(target)
    except OSError:
        client.close()
        return
    pair = {client: server, server: client}
    while True:
        if stalled.is_set():
            threading.Event().wait(0.05)
            continue
        ready, _, _ = select.select(list(pair), [], [], 0.05)
        for sock in ready:
            if stalled.is_set():
                break
            data = sock.recv(65536)
            if not data:
                client.close()
                server.close()
                return
            pair[sock].sendall(data)


listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(64)
print(listener.getsockname()[1], flush=True)
while True:
    connection, _ = listener.accept()
    threading.Thread(target=pump, args=(connection,), daemon=True).start()
