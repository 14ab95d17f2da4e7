#!/usr/bin/python3
# A WebSocket subscriber for the live-events tests (Debian's libcurl has no WebSocket):
#   ws_events.py URL SECONDS
# Connects to URL (http:// is taken as ws://), then prints each message it receives on a
# line of its own until SECONDS have passed or the server closes; "closed" at the end when
# the server closed first. Exit status 2 when it could not connect (the HTTP answer is
# printed).
import sys
import time

import websocket

url = sys.argv[1].replace("http://", "ws://", 1)
deadline = time.time() + float(sys.argv[2])
try:
    ws = websocket.create_connection(url, timeout=max(0.1, deadline - time.time()))
except websocket.WebSocketBadStatusException as e:
    print("refused", e.status_code, flush=True)
    sys.exit(2)
print("open", flush=True)
while time.time() < deadline:
    ws.settimeout(max(0.05, deadline - time.time()))
    try:
        message = ws.recv()
    except websocket.WebSocketTimeoutException:
        break
    except websocket.WebSocketConnectionClosedException:
        print("closed", flush=True)
        break
    if message == "":
        print("closed", flush=True)
        break
    print(message, flush=True)
ws.close()
