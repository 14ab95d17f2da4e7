// Runs one request of the Postman collection the way Postman would, to test its
// pre-request (signing) script against the real server: the collection's script runs in
// a vm with the parts of Postman's sandbox it uses (pm.request, pm.variables,
// pm.collectionVariables, CryptoJS), then the request is sent with fetch and the reply
// printed. Used by PostmanTest (tests/http/openapi_test.cpp).
//   node tests/http/postman_run.js COLLECTION BASE_URL METHOD PATH [name=value...] [--var name=value...]
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const vm = require('vm');

function usage() {
  console.error('usage: postman_run.js COLLECTION BASE_URL METHOD PATH [name=value...] [--var name=value...]');
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.length < 4) usage();
const [file, baseUrl, method, path] = args;
const fields = {};
const vars = {};
for (let i = 4; i < args.length; i++) {
  const target = args[i] === '--var' ? vars : fields;
  const pair = args[i] === '--var' ? args[++i] : args[i];
  const eq = pair.indexOf('=');
  if (eq < 0) usage();
  target[pair.slice(0, eq)] = pair.slice(eq + 1);
}

const collection = JSON.parse(fs.readFileSync(file, 'utf8'));
const variables = {};
for (const v of collection.variable || []) variables[v.key] = v.value;
Object.assign(variables, vars, { baseUrl });

let item = null;
for (const folder of collection.item) {
  for (const candidate of folder.item) {
    const url = candidate.request.url;
    if (candidate.request.method === method && '/' + url.path.join('/') === path) item = candidate;
  }
}
if (!item) {
  console.error(`no ${method} ${path} in the collection`);
  process.exit(1);
}

// Postman's PropertyList, as far as the script uses it.
class PropertyList {
  constructor(entries) { this.entries = entries.map((e) => Object.assign({}, e)); }
  find(key) { return this.entries.find((e) => e.key === key && !e.disabled); }
  has(key) { return this.find(key) !== undefined; }
  get(key) { const e = this.find(key); return e ? e.value : undefined; }
  upsert(entry) {
    const e = this.find(entry.key);
    if (e) e.value = entry.value; else this.entries.push(Object.assign({}, entry));
  }
  each(fn) { this.entries.forEach(fn); }
}

const replaceIn = (s) => String(s).replace(/\{\{(\w+)\}\}/g, (_, name) => variables[name] ?? '');
const request = item.request;
const isGet = request.method === 'GET';
const list = new PropertyList(isGet ? request.url.query || [] : request.body[request.body.mode]);
for (const [key, value] of Object.entries(fields)) {
  const e = list.entries.find((x) => x.key === key);
  if (e) { e.value = value; e.disabled = false; } else list.entries.push({ key, value });
}

// CryptoJS, as far as the script uses it, on Node's crypto (word arrays as Buffers).
const wordArray = (buffer) => ({ buffer, toString: () => buffer.toString('hex') });
const CryptoJS = {
  lib: { WordArray: { random: (n) => wordArray(crypto.randomBytes(n)) } },
  enc: { Utf8: { parse: (s) => wordArray(Buffer.from(s, 'utf8')) } },
  MD5: (w) => wordArray(crypto.createHash('md5').update(w.buffer).digest()),
  HmacSHA256: (w, key) => wordArray(crypto.createHmac('sha256', key.buffer).update(w.buffer).digest()),
};
const pm = {
  request: {
    method: request.method,
    url: { query: isGet ? list : new PropertyList([]) },
    body: isGet ? undefined : { mode: request.body.mode, [request.body.mode]: list },
  },
  variables: { get: (k) => variables[k], replaceIn },
  collectionVariables: { get: (k) => variables[k] },
};
const script = collection.event.find((e) => e.listen === 'prerequest').script.exec.join('\n');
vm.runInNewContext(script, { pm, CryptoJS, unescape, encodeURIComponent, Math, Date, String, Array });

const sent = new URLSearchParams();
list.each((e) => { if (!e.disabled) sent.append(e.key, replaceIn(e.value)); });
const target = replaceIn(request.url.raw.split('?')[0]);
const options = isGet ? { method: 'GET' } : {
  method: request.method,
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: sent.toString(),
};
fetch(isGet ? `${target}?${sent}` : target, options)
  .then((r) => r.text())
  .then((text) => console.log(text))
  .catch((e) => { console.error(String(e)); process.exit(3); });
