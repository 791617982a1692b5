#!/usr/bin/python3
"""Takes the screenshots of docs/demo.md with headless Chromium (Debian's chromium and
python3-websocket), driving it over the DevTools protocol like a user: it signs in with
the login form, submits the item form, watches the live page while items change.

Usage: docs/screenshots.py http://127.0.0.1:8080/sample docs/images
The sample EAR must be deployed at that URL. It creates a few items and one file.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import websocket

BASE = sys.argv[1].rstrip("/")
OUT = sys.argv[2]
PORT = 9333


def api(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        text = r.read().decode()
        return json.loads(text) if text else None


def upload(name, content):
    boundary = "----demo-upload"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(BASE + "/files/upload", data=body, method="POST",
                                 headers={"Content-Type": "multipart/form-data; boundary=" + boundary})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(req)
    except urllib.error.HTTPError as e:
        return e.headers["Location"]
    raise RuntimeError("the upload did not redirect")


class Page:
    def __init__(self):
        for _ in range(100):
            try:
                with urllib.request.urlopen(urllib.request.Request(
                        f"http://127.0.0.1:{PORT}/json/new?about:blank", method="PUT")) as r:
                    target = json.load(r)
                break
            except OSError:
                time.sleep(0.1)
        self.ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.call("Page.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=1100, height=760, deviceScaleFactor=1, mobile=False)

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                return msg.get("result", {})

    def wait_load(self):
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == "Page.loadEventFired":
                return

    def open(self, path):
        self.call("Page.navigate", url=BASE + path)
        self.wait_load()

    def run(self, script, navigates=False):
        self.call("Runtime.evaluate", expression=script)
        if navigates:
            self.wait_load()

    def shot(self, name):
        time.sleep(0.3)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(base64.b64decode(data))
        print("wrote", name)


def main():
    for name, quantity in [("Espresso beans", 12), ("Oat milk", 30), ("Paper cups", 500)]:
        api("POST", "/api/items", {"name": name, "quantity": quantity})
    uploaded = upload("price-list.csv", b"item,price\nespresso,2.40\nlatte,3.10\n" * 2000)

    profile = tempfile.mkdtemp()
    chromium = subprocess.Popen(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                 f"--remote-debugging-port={PORT}", "--remote-allow-origins=*",
                                 f"--user-data-dir={profile}", "about:blank"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        page = Page()
        page.open("/")
        page.shot("home.png")
        page.open("/secure/items.xhtml")
        page.shot("login.png")
        page.run("document.getElementById('j_username').value='demo';"
                 "document.getElementById('j_password').value='demo';"
                 "document.getElementById('login').submit()", navigates=True)
        page.shot("items.png")
        page.open("/secure/item.xhtml")
        page.run("document.getElementById('item:name').value='';"
                 "document.getElementById('item:quantity').value='-2';"
                 "document.getElementById('item:save').click()", navigates=True)
        page.shot("item-validation.png")
        page.run("document.getElementById('item:name').value='Napkins';"
                 "document.getElementById('item:quantity').value='250';"
                 "document.getElementById('item:save').click()", navigates=True)
        page.shot("items-created.png")
        page.open(uploaded[len(urllib.parse.urlsplit(BASE).path):])
        page.shot("files.png")
        page.open("/live.xhtml")
        time.sleep(1)
        created = api("POST", "/api/items", {"name": "Sugar sticks", "quantity": 1000})
        api("PUT", f"/api/items/{created['id']}", {"name": "Sugar sticks", "quantity": 950})
        api("DELETE", f"/api/items/{created['id']}")
        time.sleep(1.5)
        page.shot("live.png")
        page.open("/api/items")
        page.shot("api.png")
        page.open("/request?hello=world")
        page.shot("request.png")
        page.open("/no-such-page")
        page.shot("404.png")
        page.open("/fail")
        page.shot("500.png")
    finally:
        chromium.terminate()
        chromium.wait()


if __name__ == "__main__":
    main()
