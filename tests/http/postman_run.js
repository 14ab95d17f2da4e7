// Runs one request of the Postman collection the way Postman would, to test its
// pre-request (signing) script against the real server: the collection's script runs in
// a vm with the parts of Postman's sandbox it uses (pm.request, pm.variables,
// pm.collectionVariables, CryptoJS), then the request is sent with fetch and the reply
// printed. With --tests, the collection's and the request's test scripts then run on the
// reply, and two lines follow it: TESTS <passed> <failed> and VARS <the collection
// variables they set, as JSON>. Used by PostmanTest (tests/http/openapi_test.cpp).
//   node tests/http/postman_run.js COLLECTION BASE_URL METHOD PATH [name=value...] [--var name=value...] [--tests]
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
let runTests = false;
for (let i = 4; i < args.length; i++) {
  if (args[i] === '--tests') { runTests = true; continue; }
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

// Postman's PropertyList, as far as the script uses it (no upsert: a form-data list's
// entries cannot be upserted in Postman's runtime, so the script must not need it).
class PropertyList {
  constructor(entries) { this.entries = entries.map((e) => Object.assign({}, e)); }
  find(key) { return this.entries.find((e) => e.key === key && !e.disabled); }
  has(key) { return this.find(key) !== undefined; }
  get(key) { const e = this.find(key); return e ? e.value : undefined; }
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
  collectionVariables: { get: (k) => variables[k], set: (k, v) => { variables[k] = v; kept[k] = v; } },
};
const kept = {};
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
// Postman's pm.test and the part of pm.expect (chai) the test scripts use.
function runTestScripts(text, status) {
  let passed = 0, failed = 0;
  pm.response = { code: status, json: () => JSON.parse(text), text: () => text };
  pm.test = (name, fn) => {
    try { fn(); passed++; } catch (e) { failed++; console.log(`FAILED ${name}: ${e.message}`); }
  };
  pm.expect = (value) => ({
    to: { be: { a: (type) => { if (typeof value !== type) throw new Error(`${JSON.stringify(value)} is not a ${type}`); } } },
  });
  const scripts = [collection.event, item.event || []].map((events) =>
    (events.find((e) => e.listen === 'test') || { script: { exec: [] } }).script.exec.join('\n'));
  for (const script of scripts) {
    try { vm.runInNewContext(script, { pm, JSON, String }); } catch (e) { failed++; console.log(`FAILED script: ${e.message}`); }
  }
  console.log(`TESTS ${passed} ${failed}`);
  console.log(`VARS ${JSON.stringify(kept)}`);
}

fetch(isGet ? `${target}?${sent}` : target, options)
  .then((r) => r.text().then((text) => ({ text, status: r.status })))
  .then(({ text, status }) => {
    console.log(text);
    if (runTests) runTestScripts(text, status);
  })
  .catch((e) => { console.error(String(e)); process.exit(3); });
