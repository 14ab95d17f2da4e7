#!/usr/bin/env python3
"""make postman: docs/datingtoday.postman_collection.json from docs/openapi.yaml.

A Postman collection (format v2.1) with one request per operation, in folders that
follow a new user's path (sign up, profile, upload, discover, chat, VIP, safety, log
out, delete the account; the operator API last), each in the spec's order, and a
collection-level pre-request script that signs each request as the server checks it
(docs/API.md section 3): it fills in timestamp, nonce and sign, and userId and token for
token routes, from the collection's variables (baseUrl, appkey, secret, signMethod,
userId, token). sendsms keeps the code a development server echoes (smsCode), login
keeps token and userId, admin/login keeps operatorToken: run in order, the folders sign
up and go on as that user. Optional parameters are present but disabled.

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
const body = pm.request.body;
const form = pm.request.method === 'GET' ? pm.request.url.query
  : body && (body.mode === 'urlencoded' ? body.urlencoded : body.mode === 'formdata' ? body.formdata : null);
if (form && form.has('sign')) {
  const value = (name) => pm.variables.replaceIn(String(pm.collectionVariables.get(name) || pm.variables.get(name) || ''));
  const withToken = form.has('token');
  const token = withToken ? value('token') : '';
  // Every request lists these keys (scripts/postman.py): set in place, since a form-data
  // list's entries cannot be upserted in Postman's runtime.
  const set = (key, v) => form.each((p) => { if (p.key === key && !p.disabled) p.value = v; });
  set('appkey', value('appkey'));
  if (withToken) { set('userId', value('userId')); set('token', token); }
  set('timestamp', String(Math.floor(Date.now() / 1000)));
  set('nonce', CryptoJS.lib.WordArray.random(12).toString());
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
    ? CryptoJS.HmacSHA256(CryptoJS.enc.Utf8.parse(text), CryptoJS.enc.Utf8.parse(secret)).toString()
    : CryptoJS.MD5(CryptoJS.enc.Utf8.parse(text + secret)).toString();
  set('sign', sign);
}
""".strip("\n").split("\n")


# Runs after every request: the reply is the API's JSON envelope.
TEST = r"""
pm.test('the reply is the API envelope', () => {
  const j = pm.response.json();
  pm.expect(j.code).to.be.a('number');
  pm.expect(j.msg).to.be.a('string');
});
""".strip("\n").split("\n")

# What a request keeps of its reply for the ones after it, by path.
KEEPS = {
    "/api/auth/sendsms": "if (j.code === 0 && j.data.code) pm.collectionVariables.set('smsCode', j.data.code);",
    "/api/auth/login": "if (j.code === 0) { pm.collectionVariables.set('token', j.data.token);"
                       " pm.collectionVariables.set('userId', String(j.data.user_id)); }",
    "/api/admin/login": "if (j.code === 0) pm.collectionVariables.set('operatorToken', j.data.token);",
}

# Values taken from the collection's variables instead of the spec's examples.
FROM_VARIABLES = {
    ("/api/auth/sendsms", "phone"): "{{phone}}",
    ("/api/auth/login", "phone"): "{{phone}}",
    ("/api/auth/login", "code"): "{{smsCode}}",
}

# The folders, in a new user's order: a path's own folder, else its tag's.
FOLDERS = ["1 Sign up", "2 Profile", "3 Upload", "4 Discover", "5 Chat", "6 VIP", "7 Safety",
           "8 Log out", "9 Delete the account", "Operators"]
FOLDER_OF_PATH = {
    "/api/user/hot/list": "4 Discover", "/api/user/search": "4 Discover",
    "/api/auth/logout": "8 Log out", "/api/auth/sessions": "8 Log out",
    "/api/auth/sessions/revoke": "8 Log out",
}
# Within a folder: the health check first, each logout last (the spec's order otherwise).
RANK = {"/api/health": -1, "/api/auth/logout": 1, "/api/admin/logout": 1}
FOLDER_OF_TAG = {
    "health": "1 Sign up", "auth": "1 Sign up", "user": "2 Profile", "label": "2 Profile",
    "album": "2 Profile", "device": "2 Profile", "upload": "3 Upload", "nearby": "4 Discover",
    "discovery": "4 Discover", "match": "4 Discover", "visitor": "4 Discover", "message": "5 Chat",
    "contacts": "5 Chat", "events": "5 Chat", "vip": "6 VIP", "safety": "7 Safety",
    "account": "9 Delete the account", "operator": "Operators",
}


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


def dev_secret(appkey):
    """The dev stack's secret of `appkey` (config/dev.ini), so the collection works there as is."""
    import configparser
    config = configparser.ConfigParser(inline_comment_prefixes=("#", ";"))
    config.read(os.path.join(ROOT, "config", "dev.ini"), encoding="utf-8")
    return config.get("app." + appkey, "secret", fallback="")


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


def request_item(spec, path, method, operation):
    auth = operation.get("x-auth", "signed")
    own = fields_of(spec, operation)
    if auth in ("signed", "token"):  # the script sets those (a public route's are its own)
        own = [f for f in own if f[0] not in SIGNING + IDENTITY]
    entries = []
    for name, schema, required, description, is_file in own:
        entry = {"key": name, "description": description.strip()}
        if is_file:
            entry.update({"type": "file", "src": []})
        else:
            entry["value"] = FROM_VARIABLES.get((path, name), example_value(schema))
        if not required:
            entry["disabled"] = True
        entries.append(entry)
    if auth in ("signed", "token"):
        if auth == "token":
            entries += [{"key": "userId", "value": "{{userId}}"}, {"key": "token", "value": "{{token}}"}]
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
    item = {"name": operation.get("summary") or operation.get("operationId") or path, "request": request,
            "response": []}
    if path in KEEPS:
        item["event"] = [{"listen": "test", "script": {"type": "text/javascript",
                                                       "exec": ["const j = pm.response.json();", KEEPS[path]]}}]
    return item


def build(spec):
    folders = {name: [] for name in FOLDERS}
    for path in spec["paths"]:  # the spec's order
        for method in ("get", "post"):
            operation = spec["paths"][path].get(method)
            if not operation:
                continue
            tag = (operation.get("tags") or ["other"])[0]
            folder = FOLDER_OF_PATH.get(path) or FOLDER_OF_TAG.get(tag)
            if not folder:
                sys.exit(f"postman.py: tag {tag} of {path} has no folder (FOLDER_OF_TAG)")
            folders[folder].append((RANK.get(path, 0), request_item(spec, path, method, operation)))
    return {
        "info": {
            "name": spec["info"]["title"],
            "description": "Generated by `make postman` (scripts/postman.py) from docs/openapi.yaml; "
                           "do not edit by hand. The folders follow a new user's path: set phone (a "
                           "number of your own) and the app's appkey, secret and signMethod, then run "
                           "them in order: sendsms keeps the code a development server echoes, login "
                           "keeps userId and token for the requests after it (admin/login keeps "
                           "operatorToken, on operatorUrl). The collection's pre-request script signs "
                           "every app request. Uploads need the md5 of the file in their `md5` field "
                           "(API.md \"upload\"), which Postman cannot compute: use dtcurl -F.",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "variable": [
            {"key": "baseUrl", "value": "http://127.0.0.1:8080"},
            {"key": "operatorUrl", "value": "http://127.0.0.1:8081"},
            {"key": "operatorToken", "value": ""},
            {"key": "appkey", "value": "432ABZ"},
            {"key": "secret", "value": dev_secret("432ABZ"),
             "description": "the app's secret ([app.<appkey>] secret of the config; this one is config/dev.ini's)"},
            {"key": "signMethod", "value": "md5", "description": "md5, or hmac-sha256 for apps configured so"},
            {"key": "phone", "value": "+8613800138000",
             "description": "the number to sign up with (development: any valid mobile; the code is echoed)"},
            {"key": "smsCode", "value": "", "description": "kept by auth/sendsms when the server echoes it"},
            {"key": "userId", "value": ""},
            {"key": "token", "value": ""},
        ],
        "event": [{"listen": "prerequest", "script": {"type": "text/javascript", "exec": PRE_REQUEST}},
                  {"listen": "test", "script": {"type": "text/javascript", "exec": TEST}}],
        "item": [{"name": name, "item": [item for _, item in sorted(folders[name], key=lambda r: r[0])]}
                 for name in FOLDERS if folders[name]],
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
