#!/usr/bin/python3
"""Drives the review console (nginx/console/) in headless Chromium over the DevTools
protocol, as an operator would: types the name and password, clicks "Log in", finds the
photo's card in the queue, types a reason, clicks its "Reject", and waits for the card to
leave the queue. Prints one JSON line ({"ok": true} or {"ok": false, "error": ...}).

usage: console_flow.py CONSOLE_URL NAME PASSWORD PHOTO_ID PROFILE_DIR LOG_FILE
Used by tests/http/console_http_test.cpp; needs chromium and python3-websocket."""
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request

import websocket  # python3-websocket

url, name, password, photo_id, profile, log_path = sys.argv[1:7]
DEADLINE = time.time() + 60


class Page:
    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=20)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(method + ": " + json.dumps(message["error"]))
                return message.get("result", {})

    def js(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError("script error: " + json.dumps(result["exceptionDetails"])[:300])
        return result["result"].get("value")

    def wait(self, expression, what):
        while time.time() < DEADLINE:
            if self.js(expression):
                return
            time.sleep(0.1)
        raise RuntimeError("timed out waiting for " + what + "; status: " +
                           str(self.js("document.getElementById('status').textContent")))

    def click(self, selector):
        box = self.js("(() => { const r = document.querySelector(%s).getBoundingClientRect();"
                      " return [r.x + r.width / 2, r.y + r.height / 2]; })()" % json.dumps(selector))
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left",
                      clickCount=1)

    def type_into(self, selector, text):
        self.js("document.querySelector(%s).focus()" % json.dumps(selector))
        self.call("Input.insertText", text=text)


def main():
    shutil.rmtree(profile, ignore_errors=True)
    os.makedirs(profile)
    with open(log_path, "w") as log:
        browser = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-dev-shm-usage",
             "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank"],
            stdout=log, stderr=log)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        while not os.path.exists(port_file) and time.time() < DEADLINE:
            time.sleep(0.1)
        time.sleep(0.2)
        with open(port_file) as f:
            port = f.readline().strip()
        with urllib.request.urlopen("http://127.0.0.1:%s/json/list" % port, timeout=10) as r:
            target = next(t for t in json.load(r) if t["type"] == "page")
        page = Page(target["webSocketDebuggerUrl"])
        page.call("Page.enable")
        page.call("Page.navigate", url=url)
        page.wait("document.readyState === 'complete' && !!document.getElementById('login')"
                  " && !document.getElementById('login').hidden", "the login form")
        page.type_into("#name", name)
        page.type_into("#password", password)
        page.click("#login-button")
        card = '[data-photo="%s"]' % photo_id
        page.wait("!!document.querySelector(%s)" % json.dumps(card), "the photo in the queue")
        page.type_into(card + " input", "not allowed here")
        page.click(card + " button.reject")
        page.wait("!document.querySelector(%s)" % json.dumps(card), "the photo to leave the queue")
        who = page.js("document.getElementById('who').textContent")
        print(json.dumps({"ok": True, "who": who}))
    except Exception as e:  # reported to the test, which fails with it
        print(json.dumps({"ok": False, "error": str(e)}))
    finally:
        browser.terminate()
        try:
            browser.wait(10)
        except subprocess.TimeoutExpired:
            browser.kill()
        shutil.rmtree(profile, ignore_errors=True)


main()
