#!/usr/bin/env python3
"""make postman: docs/datingtoday.postman_collection.json from docs/openapi.yaml.

A Postman collection (format v2.1) with one folder per tag and one request per
operation, and a collection-level pre-request script that signs each request as the
server checks it (docs/API.md section 3): it fills in timestamp, nonce and sign, and
userId and token for token routes, from the collection's variables (baseUrl, appkey,
secret, signMethod, userId, token). Optional parameters are present but disabled.

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
  const set = (key, v) => form.upsert({ key: key, value: v });
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
            entry["value"] = example_value(schema)
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
    return {"name": operation.get("summary") or operation.get("operationId") or path, "request": request,
            "response": []}


def build(spec):
    folders = {}
    for path in sorted(spec["paths"]):
        for method in ("get", "post"):
            operation = spec["paths"][path].get(method)
            if not operation:
                continue
            tag = (operation.get("tags") or ["other"])[0]
            folders.setdefault(tag, []).append(request_item(spec, path, method, operation))
    return {
        "info": {
            "name": spec["info"]["title"],
            "description": "Generated by `make postman` (scripts/postman.py) from docs/openapi.yaml; "
                           "do not edit by hand. Set the collection variables (appkey, secret and "
                           "signMethod of an app of your config; userId and token after "
                           "/api/auth/login; operatorToken after /api/admin/login, on operatorUrl); "
                           "the collection's pre-request script signs every app request. Uploads need the md5 of the file in their `md5` field "
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
            {"key": "userId", "value": ""},
            {"key": "token", "value": ""},
        ],
        "event": [{"listen": "prerequest", "script": {"type": "text/javascript", "exec": PRE_REQUEST}}],
        "item": [{"name": tag, "item": items} for tag, items in sorted(folders.items())],
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
