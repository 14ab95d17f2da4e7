#!/usr/bin/env python3
"""make postman: docs/datingtoday.postman_collection.json from docs/openapi.yaml.

A Postman collection (format v2.1) that runs as a workflow (WORKFLOW below): folders in a
new user's order (sign up, profile, upload, discover, chat, VIP, safety, the peer's
account deletion, log out; the operator API last), every operation of the spec at least
once, each request with a test asserting the code it must give (0, or the error it
demonstrates) and keeping what later requests use (codes, tokens, ids) in collection
variables. A second user, the peer, signs up first. A collection-level pre-request script
signs each app request as the server checks it (docs/API.md section 3): it fills in
timestamp, nonce and sign, and userId and token for token routes from the request's own
entries ({{userId}} and {{token}}, or {{peerId}} and {{peerToken}}). make test runs it
with Newman against the test stack (PostmanTest).

  scripts/postman.py           write the collection
  scripts/postman.py --check   exit 1 when the committed collection is not what the
                               spec gives (the test suite runs this)
"""
import json
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, "docs", "openapi.yaml")
OUT = os.path.join(ROOT, "docs", "datingtoday.postman_collection.json")

# The file the upload step sends (a path of the checkout).
UPLOAD_FILE = "tests/data/sample.jpg"
# The variables the workflow's requests keep for the ones after them.
KEPT = ["peerSmsCode", "peerSmsAt", "peerToken", "peerId", "smsCode", "token", "userId", "uploadUrl",
        "photoId", "messageId", "orderId", "tradeNo", "fee", "operatorToken", "reviewPhotoId", "newOperator"]

# Parameters the pre-request script sets; never part of a request's own list.
SIGNING = ["appkey", "timestamp", "nonce", "sign"]
IDENTITY = ["userId", "token"]

# Runs before every request of the collection. A request with a `sign` parameter is
# signed; one that also has `token` is sent as the collection's user.
PRE_REQUEST = r"""
// Signs the request as DatingToday checks it (docs/API.md section 3):
//   msg  = the k=v of every parameter but timestamp, nonce, appkey, sign and token,
//          sorted bytewise as whole strings, joined by '&'
//   sign = md5_hex(msg + token + timestamp + nonce + secret), or for an app configured
//          with sign = hmac-sha256: hex(HMAC_SHA256(secret, msg + token + timestamp + nonce))
// Public routes (no sign parameter) are sent as they are.
const cryptojs = require('crypto-js');
const body = pm.request.body;
const form = pm.request.method === 'GET' ? pm.request.url.query
  : body && (body.mode === 'urlencoded' ? body.urlencoded : body.mode === 'formdata' ? body.formdata : null);
if (form && form.has('sign')) {
  const value = (name) => pm.variables.replaceIn(String(pm.variables.get(name) || ''));
  const withToken = form.has('token');
  // The user a request is sent as: its own userId and token entries ({{userId}} and
  // {{token}}, or the peer's).
  const token = withToken ? pm.variables.replaceIn(String(form.get('token'))) : '';
  // Every request lists these keys (scripts/postman.py): set in place, since a form-data
  // list's entries cannot be upserted in Postman's runtime.
  const set = (key, v) => form.each((p) => { if (p.key === key && !p.disabled) p.value = v; });
  set('appkey', value('appkey'));
  if (withToken) { set('userId', pm.variables.replaceIn(String(form.get('userId')))); set('token', token); }
  set('timestamp', String(Math.floor(Date.now() / 1000)));
  set('nonce', cryptojs.lib.WordArray.random(12).toString());
  const skip = ['timestamp', 'nonce', 'appkey', 'sign', 'token'];
  const pairs = [];
  form.each((p) => {
    if (p.disabled || p.type === 'file' || skip.includes(p.key)) return;
    p.value = pm.variables.replaceIn(String(p.value === undefined || p.value === null ? '' : p.value));
    pairs.push(p.key + '=' + p.value);
  });
  // Bytewise order of the UTF-8 strings, as the server sorts.
  const bytes = (s) => Array.from(unescape(encodeURIComponent(s)), (c) => c.charCodeAt(0));
  pairs.sort((a, b) => {
    const x = bytes(a), y = bytes(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  });
  const text = pairs.join('&') + token + form.get('timestamp') + form.get('nonce');
  const secret = value('secret');
  const sign = value('signMethod') === 'hmac-sha256'
    ? cryptojs.HmacSHA256(cryptojs.enc.Utf8.parse(text), cryptojs.enc.Utf8.parse(secret)).toString()
    : cryptojs.MD5(cryptojs.enc.Utf8.parse(text + secret)).toString();
  set('sign', sign);
}
""".strip("\n").split("\n")


# The workflow: the folders in a new user's order and, in each, the requests in the order
# they run, every one asserted. A second user (the peer) signs up first, so that there is
# someone to match, chat with, block and report. Each step is
#   (method, path, {option: value}) with the options
#   name     the request's name (default: the operation's summary)
#   values   parameter -> value, each one sent (optional parameters too)
#   peer     sent as the peer (userId and token of peerId and peerToken)
#   expect   the code asserted (default 0), with why: (code, "reason"); or ("text", TEXT)
#            for a reply that is not the envelope, ("status", N) for its HTTP status alone
#   checks   [(name, JS expression on the reply j)] asserted too
#   keeps    JS lines that keep parts of the reply j in collection variables
#   pre      JS lines run before the request (before it is signed)
# Every operation of the spec must be a step (build() says which is not).
PEER_SMS_WAIT = [
    "// One code per phone per minute: the runner waits until the minute since the peer's",
    "// first code is over.",
    "const wait = Number(pm.variables.get('peerSmsAt') || 0) + 61000 - Date.now();",
    "if (wait > 0) setTimeout(() => {}, wait);",
]
PAY_SIGN = [
    "// Signed as the sandbox gateway signs (docs/API.md, vip/pay/notify): HMAC-SHA256 with",
    "// the [pay] key over the other fields' sorted k=v joined by '&'.",
    "const cryptojs = require('crypto-js');",
    "const form = pm.request.body.urlencoded;",
    "form.each((p) => { if (p.key === 'timestamp') p.value = String(Math.floor(Date.now() / 1000)); });",
    "form.each((p) => { if (p.key === 'nonce_str') p.value = cryptojs.lib.WordArray.random(8).toString(); });",
    "const pairs = [];",
    "form.each((p) => { if (!p.disabled && p.key !== 'sign') pairs.push(p.key + '=' + pm.variables.replaceIn(String(p.value))); });",
    "pairs.sort();",
    "const sign = cryptojs.HmacSHA256(pairs.join('&'), pm.variables.get('payKey')).toString();",
    "form.each((p) => { if (p.key === 'sign') p.value = sign; });",
]
APNS_TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
WORKFLOW = [
    ("1 Sign up", [
        ("GET", "/api/health", {
            "pre": ["// A new user and a new peer at every run (an environment's phone and peerPhone",
                    "// win: set them there for numbers of your own).",
                    "const number = () => '+86138' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');",
                    "pm.collectionVariables.set('phone', number());",
                    "pm.collectionVariables.set('peerPhone', number());"],
            "checks": [("MySQL and Redis are up", "j.data.mysql === 'ok' && j.data.redis === 'ok'")]}),
        ("POST", "/api/auth/sendsms", {
            "name": "The peer asks for a code", "values": {"phone": "{{peerPhone}}"},
            "keeps": ["if (j.data.code) pm.collectionVariables.set('peerSmsCode', j.data.code);",
                      "pm.collectionVariables.set('peerSmsAt', String(Date.now()));"]}),
        ("POST", "/api/auth/login", {
            "name": "The peer signs up", "values": {"phone": "{{peerPhone}}", "code": "{{peerSmsCode}}"},
            "keeps": ["pm.collectionVariables.set('peerToken', j.data.token);",
                      "pm.collectionVariables.set('peerId', String(j.data.user_id));"]}),
        ("POST", "/api/auth/sendsms", {
            "values": {"phone": "{{phone}}"},
            "keeps": ["if (j.data.code) pm.collectionVariables.set('smsCode', j.data.code);"]}),
        ("POST", "/api/auth/login", {
            "values": {"phone": "{{phone}}", "code": "{{smsCode}}", "device": "Postman"},
            "keeps": ["pm.collectionVariables.set('token', j.data.token);",
                      "pm.collectionVariables.set('userId', String(j.data.user_id));"]}),
        ("POST", "/api/user/like", {
            "name": "The peer likes the new user", "peer": True,
            "values": {"peerId": "{{userId}}", "action": "like"},
            "checks": [("not a match yet", "j.data.matched === false")]}),
    ]),
    ("2 Profile", [
        ("GET", "/api/user/show", {"checks": [("it is the new user", "String(j.data.user_id) === pm.variables.get('userId')")]}),
        ("POST", "/api/user/update", {
            "values": {"nickname": "小明", "gender": "1", "sexual": "2", "birthday": "1996-05-20", "height": "178"}}),
        ("GET", "/api/label/list", {"checks": [("labels are listed", "j.data.list.length > 0")]}),
        ("POST", "/api/user/labels", {"values": {"labelIds": "1,2"}}),
        ("GET", "/api/user/show", {
            "name": "The profile as updated",
            "checks": [("nickname and labels are the new ones",
                        "j.data.nickname === '小明' && j.data.labels.length === 2")]}),
        ("POST", "/api/device/register", {"values": {"platform": "ios", "provider": "apns", "deviceToken": APNS_TOKEN}}),
        ("POST", "/api/device/unregister", {"values": {"deviceToken": APNS_TOKEN}}),
        ("GET", "/api/user/show", {
            "name": "The peer's profile", "values": {"peerId": "{{peerId}}"},
            "checks": [("no phone of someone else", "j.data.phone === undefined")]}),
    ]),
    ("3 Upload", [
        ("POST", "/api/upload", {
            "values": {"kind": "image", "md5": "{{uploadMd5}}"},
            "keeps": ["pm.collectionVariables.set('uploadUrl', j.data.url);"]}),
        ("POST", "/api/album/add", {
            "values": {"url": "{{uploadUrl}}"},
            "keeps": ["pm.collectionVariables.set('photoId', String(j.data.photo_id));"]}),
        ("GET", "/api/album/list", {
            "checks": [("the photo is in it", "j.data.list.some((p) => String(p.photo_id) === pm.variables.get('photoId'))")]}),
        ("POST", "/api/album/delete", {"values": {"photoId": "{{photoId}}"}}),
        ("POST", "/api/album/delete", {
            "name": "The photo is gone", "values": {"photoId": "{{photoId}}"},
            "expect": (508, "no such photo any more")}),
        ("POST", "/api/album/add", {
            "name": "Add the photo again", "values": {"url": "{{uploadUrl}}"},
            "keeps": ["pm.collectionVariables.set('photoId', String(j.data.photo_id));"]}),
    ]),
    ("4 Discover", [
        ("GET", "/api/user/hot/list", {}),
        ("GET", "/api/user/search", {"values": {"gender": "2"}}),
        ("POST", "/api/user/location", {"values": {"latlng": "31.2304153,121.47374"}}),
        ("GET", "/api/user/nearby/list", {"values": {"latlng": "31.2304153,121.47374"}}),
        ("GET", "/api/user/preferences", {}),
        ("POST", "/api/user/preferences", {
            "values": {"ageMin": "20", "ageMax": "40"},
            "checks": [("saved", "j.data.saved === true && j.data.ageMin === 20")]}),
        ("GET", "/api/user/recs", {}),
        ("GET", "/api/user/likes/received", {
            "checks": [("the peer's like is counted", "j.data.count >= 1")]}),
        ("POST", "/api/user/like", {
            "values": {"peerId": "{{peerId}}", "action": "like"},
            "checks": [("a match", "j.data.matched === true")]}),
        ("GET", "/api/user/match/list", {
            "checks": [("the peer is a match", "j.data.list.some((u) => String(u.user_id) === pm.variables.get('peerId'))")]}),
        ("GET", "/api/visitor/list", {"expect": (510, "who viewed me is for VIPs")}),
        ("POST", "/api/user/rewind", {"expect": (510, "rewind is for VIPs")}),
        ("POST", "/api/user/boost", {"expect": (510, "boost is for VIPs")}),
    ]),
    ("5 Chat", [
        ("POST", "/api/message/send", {
            "values": {"peerId": "{{peerId}}", "msgType": "text", "content": "你好！"},
            "keeps": ["pm.collectionVariables.set('messageId', String(j.data.message_id));"]}),
        ("POST", "/api/message/send", {
            "name": "The peer answers", "peer": True,
            "values": {"peerId": "{{userId}}", "msgType": "text", "content": "你好，很高兴认识你"}}),
        ("GET", "/api/message/unread", {"checks": [("the answer is unread", "j.data.total >= 1")]}),
        ("GET", "/api/message/list", {
            "values": {"peerId": "{{peerId}}"},
            "checks": [("both messages", "j.data.list.length === 2")]}),
        ("POST", "/api/message/read", {"values": {"peerId": "{{peerId}}"}}),
        ("POST", "/api/message/typing", {"values": {"peerId": "{{peerId}}"}}),
        ("GET", "/api/events", {
            "name": "Live events, from the oldest kept (long-poll)",
            "values": {"last_event_id": "0:0"},
            "expect": ("text", '"type":"match"')}),
        ("GET", "/api/contacts/list", {
            "checks": [("the peer, last message and all", "j.data.list.length === 1 && j.data.list[0].last_msg !== ''")]}),
    ]),
    ("6 VIP", [
        ("GET", "/api/vip/products", {"checks": [("three products", "j.data.list.length === 3")]}),
        ("POST", "/api/vip/order/create", {
            "values": {"productId": "1", "channel": "sandbox"},
            "keeps": ["pm.collectionVariables.set('orderId', String(j.data.order_id));"]}),
        ("POST", "/api/vip/order/cancel", {"values": {"orderId": "{{orderId}}"}}),
        ("POST", "/api/vip/order/create", {
            "name": "Order again", "values": {"productId": "1", "channel": "sandbox"},
            "keeps": ["pm.collectionVariables.set('tradeNo', j.data.trade_no);",
                      "pm.collectionVariables.set('fee', j.data.fee);"]}),
        ("POST", "/api/vip/pay/notify", {
            "name": "The sandbox gateway says it is paid",
            "values": {"trade_no": "{{tradeNo}}", "total_fee": "{{fee}}", "transaction_id": "postman-{{tradeNo}}"},
            "pre": PAY_SIGN}),
        ("GET", "/api/vip/order/list", {
            "checks": [("one paid, one cancelled", "j.data.list.map((o) => o.pay).sort().join() === '1,2'")]}),
        ("GET", "/api/vip/info", {"checks": [("VIP now", "j.data.is_vip === true")]}),
        ("GET", "/api/visitor/list", {"name": "Who viewed me, as VIP"}),
        ("POST", "/api/user/boost", {"name": "Boost, as VIP"}),
        ("POST", "/api/vip/pay/alipay/notify", {
            "name": "An Alipay notify that Alipay did not sign",
            "values": {"out_trade_no": "{{tradeNo}}", "trade_status": "TRADE_SUCCESS"},
            "expect": ("text", "failure")}),
        ("POST", "/api/vip/pay/wechat/notify", {
            "name": "A WeChat Pay notify without WeChat Pay's signature", "expect": ("status", 401)}),
        ("POST", "/api/vip/appstore/verify", {
            "name": "A StoreKit transaction that is not one",
            "values": {"signedTransaction": "not.a.jws"}, "expect": (300, "not a signed transaction")}),
        ("POST", "/api/vip/appstore/notify", {
            "name": "An App Store notification without a signed payload", "expect": ("status", 400)}),
    ]),
    ("7 Safety", [
        ("POST", "/api/user/block", {"values": {"peerId": "{{peerId}}"}}),
        ("POST", "/api/message/send", {
            "name": "No message across a block",
            "values": {"peerId": "{{peerId}}", "msgType": "text", "content": "还在吗？"},
            "expect": (513, "blocked")}),
        ("GET", "/api/user/block/list", {
            "checks": [("the peer is blocked", "j.data.list.some((u) => String(u.user_id) === pm.variables.get('peerId'))")]}),
        ("POST", "/api/user/unblock", {"values": {"peerId": "{{peerId}}"}}),
        ("POST", "/api/user/report", {"values": {"peerId": "{{peerId}}", "reason": "spam", "detail": "Postman"}}),
    ]),
    ("8 The peer deletes their account", [
        ("POST", "/api/auth/sendsms", {
            "name": "The peer asks for a code again (a minute after the first)",
            "values": {"phone": "{{peerPhone}}"}, "pre": PEER_SMS_WAIT,
            "keeps": ["if (j.data.code) pm.collectionVariables.set('peerSmsCode', j.data.code);"]}),
        ("POST", "/api/account/delete", {"peer": True, "values": {"code": "{{peerSmsCode}}"}}),
        ("GET", "/api/user/show", {
            "name": "The peer is gone", "values": {"peerId": "{{peerId}}"}, "expect": (501, "user not found")}),
    ]),
    ("9 Log out", [
        ("GET", "/api/auth/sessions", {
            "checks": [("this session, named", "j.data.list.some((s) => s.current && s.device === 'Postman')")]}),
        ("POST", "/api/auth/sessions/revoke", {"values": {"all": "1"}}),
        ("POST", "/api/auth/logout", {}),
        ("GET", "/api/user/show", {"name": "The token is dead", "expect": (504, "no operation permission")}),
    ]),
    ("Operators", [
        ("POST", "/api/admin/login", {
            "values": {"name": "{{operatorName}}", "password": "{{operatorPassword}}"},
            "keeps": ["pm.collectionVariables.set('operatorToken', j.data.token);"]}),
        ("GET", "/api/admin/me", {}),
        ("GET", "/api/admin/metrics", {"expect": ("text", "dt_requests_total")}),
        ("GET", "/api/admin/photos", {
            "checks": [("the upload waits for review",
                        "j.data.list.some((p) => p.url === pm.variables.get('uploadUrl'))")],
            "keeps": ["const photo = j.data.list.find((p) => p.url === pm.variables.get('uploadUrl'));",
                      "if (photo) pm.collectionVariables.set('reviewPhotoId', String(photo.photo_id));"]}),
        ("POST", "/api/admin/photo/review", {"values": {"photoId": "{{reviewPhotoId}}", "action": "approve"}}),
        ("GET", "/api/admin/reports", {}),
        ("GET", "/api/admin/user", {
            "values": {"userId": "{{userId}}"},
            "checks": [("the new user", "String(j.data.user_id) === pm.variables.get('userId')")]}),
        ("POST", "/api/admin/user/warn", {"values": {"userId": "{{userId}}", "reason": "Postman: a warning"}}),
        ("POST", "/api/admin/user/hide", {"values": {"userId": "{{userId}}", "reason": "Postman: hidden"}}),
        ("POST", "/api/admin/user/clear", {"values": {"userId": "{{userId}}"}}),
        ("POST", "/api/admin/user/ban", {"values": {"userId": "{{userId}}", "days": "1", "reason": "Postman: a ban"}}),
        ("POST", "/api/admin/user/unban", {"values": {"userId": "{{userId}}"}}),
        ("GET", "/api/admin/audit", {
            "values": {"targetType": "user", "targetId": "{{userId}}"},
            "checks": [("the decisions above", "j.data.list.length >= 5")]}),
        ("GET", "/api/admin/operators", {}),
        ("POST", "/api/admin/operator/add", {
            "values": {"name": "{{newOperator}}", "role": "reviewer", "password": "a-long-password-{{newOperator}}"},
            "pre": ["pm.collectionVariables.set('newOperator', 'reviewer' + Date.now());"]}),
        ("POST", "/api/admin/operator/disable", {"values": {"name": "{{newOperator}}"}}),
        ("POST", "/api/admin/logout", {}),
    ]),
]


def test_script(options):
    """The request's test: the code (or reply) it must give, its checks, what it keeps."""
    expect = options.get("expect", (0, "success"))
    lines = []
    if expect[0] == "text":
        lines.append(f"pm.test({json.dumps('the reply holds ' + expect[1])}, () => "
                     f"pm.expect(pm.response.text()).to.include({json.dumps(expect[1])}));")
    elif expect[0] == "status":
        lines.append(f"pm.test('HTTP {expect[1]}', () => pm.expect(pm.response.code).to.eql({expect[1]}));")
    else:
        code, why = expect
        lines.append("const j = pm.response.json();")
        lines.append(f"pm.test({json.dumps(f'code {code}: {why}')}, () => pm.expect(j.code).to.eql({code}));")
        for name, expression in options.get("checks", []):
            lines.append(f"pm.test({json.dumps(name)}, () => pm.expect({expression}).to.eql(true));")
        if options.get("keeps"):
            lines.append(f"if (j.code === {code}) {{")
            lines += ["  " + line for line in options["keeps"]]
            lines.append("}")
    return lines


def resolve(spec, node):
    """Follows a local $ref ("#/components/...") until a plain object."""
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value) if isinstance(value, (dict, list)) else str(value)


def example_value(schema):
    """The value a request starts with: the schema's example or default, or empty."""
    for key in ("example", "default"):
        if key in schema:
            return as_text(schema[key])
    for key in ("examples", "enum"):
        if schema.get(key):
            return as_text(schema[key][0])
    return ""


def dev_value(section, key):
    """A value of the dev stack's config/dev.ini, so that the collection works there as is."""
    import configparser
    config = configparser.ConfigParser(inline_comment_prefixes=("#", ";"))
    config.read(os.path.join(ROOT, "config", "dev.ini"), encoding="utf-8")
    return config.get(section, key, fallback="")


def file_md5(path):
    import hashlib
    with open(os.path.join(ROOT, path), "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


def fields_of(spec, operation):
    """(name, schema, required, description, in_file) for every parameter an operation
    documents, from its query parameters or its request body."""
    out = []
    for p in operation.get("parameters", []):
        p = resolve(spec, p)
        if p.get("in") != "query":
            continue
        schema = resolve(spec, p.get("schema", {}))
        out.append((p["name"], schema, bool(p.get("required")), p.get("description", ""), False))
    content = resolve(spec, operation.get("requestBody", {})).get("content", {})
    for media in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if media not in content:
            continue
        schema = resolve(spec, content[media].get("schema", {}))
        parts = [schema] + [resolve(spec, s) for s in schema.get("allOf", [])]
        required = set()
        for part in parts:
            required.update(part.get("required", []))
        for part in parts:
            for name, prop in part.get("properties", {}).items():
                prop = resolve(spec, prop)
                is_file = prop.get("format") == "binary" or prop.get("contentMediaType") is not None
                out.append((name, prop, name in required, prop.get("description", ""), is_file))
    return out


def request_item(spec, path, method, operation, options):
    auth = operation.get("x-auth", "signed")
    own = fields_of(spec, operation)
    if auth in ("signed", "token"):  # the script sets those (a public route's are its own)
        own = [f for f in own if f[0] not in SIGNING + IDENTITY]
    values = dict(options.get("values", {}))
    entries = []
    for name, schema, required, description, is_file in own:
        entry = {"key": name, "description": description.strip()}
        if is_file:
            # Relative to the collection's working directory (newman --working-dir: the
            # checkout); in Postman, pick a file and put its md5 in uploadMd5.
            entry.update({"type": "file", "src": UPLOAD_FILE})
        else:
            entry["value"] = values.pop(name) if name in values else example_value(schema)
            if not required and entry["value"] == example_value(schema) and name not in options.get("values", {}):
                entry["disabled"] = True
        entries.append(entry)
    if values:
        sys.exit(f"postman.py: {method.upper()} {path} has no parameter {', '.join(values)}")
    if auth in ("signed", "token"):
        if auth == "token":
            who = ("{{peerId}}", "{{peerToken}}") if options.get("peer") else ("{{userId}}", "{{token}}")
            entries += [{"key": "userId", "value": who[0]}, {"key": "token", "value": who[1]}]
        entries += [{"key": k, "value": ""} for k in SIGNING]  # the pre-request script fills them
    is_get = method == "get"
    multipart = "multipart/form-data" in resolve(spec, operation.get("requestBody", {})).get("content", {})
    # The operator API is on its own address, with the session of admin/login as a header.
    base = "{{operatorUrl}}" if auth == "operator" else "{{baseUrl}}"
    header = []
    if auth == "operator" and path != "/api/admin/login":
        header = [{"key": "Authorization", "value": "Bearer {{operatorToken}}"}]
    url = {"raw": base + path, "host": [base], "path": path.strip("/").split("/")}
    request = {"method": method.upper(), "header": header, "url": url,
               "description": (operation.get("description") or operation.get("summary", "")).strip()}
    if is_get:
        if entries:
            url["query"] = [{k: v for k, v in e.items() if k != "type"} for e in entries]
            url["raw"] += "?" + "&".join(e["key"] + "=" + e.get("value", "") for e in entries
                                         if not e.get("disabled"))
    else:
        for e in entries:
            if e.get("type") != "file":
                e["type"] = "text"
        request["body"] = {"mode": "formdata", "formdata": entries} if multipart \
            else {"mode": "urlencoded", "urlencoded": entries}
    item = {"name": options.get("name") or operation.get("summary") or operation.get("operationId") or path,
            "request": request, "response": []}
    item["event"] = [{"listen": "test", "script": {"type": "text/javascript", "exec": test_script(options)}}]
    if options.get("pre"):
        item["event"].insert(0, {"listen": "prerequest", "script": {"type": "text/javascript", "exec": options["pre"]}})
    return item


def build(spec):
    folders, used = [], set()
    for folder, steps in WORKFLOW:
        items = []
        for method, path, options in steps:
            operation = spec["paths"].get(path, {}).get(method.lower())
            if not operation:
                sys.exit(f"postman.py: {method} {path} of the workflow is not in the spec")
            used.add((method, path))
            items.append(request_item(spec, path, method.lower(), operation, options))
        folders.append({"name": folder, "item": items})
    for path in spec["paths"]:
        for method in ("GET", "POST"):
            if method.lower() in spec["paths"][path] and (method, path) not in used:
                sys.exit(f"postman.py: {method} {path} is in no step of the workflow (WORKFLOW)")
    return {
        "info": {
            "name": spec["info"]["title"],
            "description": "Generated by `make postman` (scripts/postman.py) from docs/openapi.yaml; "
                           "do not edit by hand. A workflow: run the folders in order (Run collection) "
                           "and a new user signs up, fills in the profile, uploads a photo, meets a "
                           "second user (the peer, who signs up first), chats, buys VIP through the "
                           "sandbox gateway, blocks and reports, sees the peer delete their account, "
                           "and logs out; then an operator reviews. Every request asserts the code it "
                           "gives (0, or the error it shows). Each run signs up new users with random "
                           "numbers (a development server echoes their codes; an environment's phone and "
                           "peerPhone win). Set the app's appkey, secret and signMethod, payKey ([pay] "
                           "key), operatorName and operatorPassword (dtadmin operator add NAME admin); "
                           "the values given are the dev stack's (make run). The upload sends "
                           "tests/data/sample.jpg of the checkout, uploadMd5 its md5: in Postman, pick a "
                           "file of your own and put its md5 in uploadMd5. The collection's pre-request script signs every app request; "
                           "the peer's second code waits for the minute the server asks between codes.",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "variable": [
            {"key": "baseUrl", "value": "http://127.0.0.1:8080"},
            {"key": "operatorUrl", "value": "http://127.0.0.1:8081"},
            {"key": "appkey", "value": "432ABZ"},
            {"key": "secret", "value": dev_value("app.432ABZ", "secret"),
             "description": "the app's secret ([app.<appkey>] secret of the config; this one is config/dev.ini's)"},
            {"key": "signMethod", "value": "md5", "description": "md5, or hmac-sha256 for apps configured so"},
            {"key": "phone", "value": "",
             "description": "the new user's number: a random one at each run, unless an environment sets it"},
            {"key": "peerPhone", "value": "", "description": "the peer's number: as phone"},
            {"key": "payKey", "value": dev_value("pay", "key"),
             "description": "the sandbox gateway's key ([pay] key; this one is config/dev.ini's)"},
            {"key": "uploadMd5", "value": file_md5(UPLOAD_FILE),
             "description": "md5sum of the file the upload sends (this one: " + UPLOAD_FILE + ")"},
            {"key": "operatorName", "value": "admin"},
            {"key": "operatorPassword", "value": ""},
        ] + [{"key": k, "value": "", "description": "kept by the workflow"} for k in KEPT],
        "event": [{"listen": "prerequest", "script": {"type": "text/javascript", "exec": PRE_REQUEST}}],
        "item": folders,
    }


def main():
    with open(SPEC, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    text = json.dumps(build(spec), ensure_ascii=False, indent=2) + "\n"
    if sys.argv[1:] == ["--check"]:
        try:
            with open(OUT, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = ""
        if current != text:
            print("docs/datingtoday.postman_collection.json is not what docs/openapi.yaml gives: run make postman")
            return 1
        print("postman collection up to date")
        return 0
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote " + os.path.relpath(OUT, ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
