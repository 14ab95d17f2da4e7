#!/usr/bin/env node
// The Apple Push Notification service's provider API as a local fake, for the dev stack
// (make run) and the tests: no machine here reaches Apple. HTTP/2 over TLS as Apple
// speaks it, where the config's [push.apns] endpoint points, with the certificate of
// config/dev/push/ (fake_apns_cert.pem, issued by the test CA the config's [push] ca_file
// names). Each request of ours is
// checked as Apple documents it and refused with Apple's reason:
//   POST /3/device/<hex token>   authorization: bearer <JWT ES256, kid = key_id, iss =
//                                team_id, iat within the last hour>, apns-topic = the
//                                bundle id, apns-push-type alert, apns-collapse-id of
//                                64 bytes at most, a JSON body with an aps object of
//                                4096 bytes at most -> 200 and apns-id, or the token's mode:
// and a control listener (HTTP/1.1, --control PORT) for the tests and a developer:
//   POST /control/apns/mode   token, mode=ok|unregistered|baddevicetoken|throttle|down:
//                             410 Unregistered; 400 BadDeviceToken; 429 TooManyRequests
//                             once, then ok; 503 ServiceUnavailable
//   GET  /control/apns/sent   each push that arrived, a JSON line: token, status, at_ms,
//                             iat (of the provider token), topic, push_type, collapse_id,
//                             title, body, badge (newest last)
//
//   node tools/fake_apns.js --config CONFIG --control PORT
// The key is the .p8 of [push.apns] key_file (its public half checks the signatures).
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const http2 = require('http2');

function arg(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

// The INI sections of the config, as lib/core/config.cpp reads them (no quoting).
function readIni(path) {
  const sections = {};
  let section = '';
  for (const raw of fs.readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line[0] === '#' || line[0] === ';') continue;
    if (line[0] === '[') {
      section = line.slice(1, -1).trim();
      sections[section] = sections[section] || {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) (sections[section] = sections[section] || {})[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return sections;
}

const configPath = arg('--config');
const controlPort = Number(arg('--control'));
if (!configPath || !controlPort) {
  console.error('usage: fake_apns.js --config CONFIG --control PORT');
  process.exit(2);
}
const apns = readIni(configPath)['push.apns'] || {};
const endpoint = /^https:\/\/(127\.[0-9.]+):([0-9]+)$/.exec(apns.endpoint || '');
if (!endpoint || !apns.key_file || !apns.key_id || !apns.team_id || !apns.bundle_id) {
  console.error('fake_apns: [push.apns] needs key_file, key_id, team_id, bundle_id and an endpoint https://127.x.x.x:PORT');
  process.exit(1);
}
const publicKey = crypto.createPublicKey(crypto.createPrivateKey(fs.readFileSync(apns.key_file)));

const modes = new Map();  // token -> mode
let sent = '';

function fromBase64Url(text) {
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

// The provider token's reason for refusal, or '' when Apple would take it.
function checkProviderToken(authorization, claims) {
  if (!authorization || !authorization.startsWith('bearer ')) return 'MissingProviderToken';
  const parts = authorization.slice(7).split('.');
  if (parts.length !== 3) return 'InvalidProviderToken';
  let header;
  try {
    header = JSON.parse(fromBase64Url(parts[0]).toString('utf8'));
    Object.assign(claims, JSON.parse(fromBase64Url(parts[1]).toString('utf8')));
  } catch (e) {
    return 'InvalidProviderToken';
  }
  if (header.alg !== 'ES256' || header.kid !== apns.key_id || claims.iss !== apns.team_id) {
    return 'InvalidProviderToken';
  }
  const signed = crypto.verify('sha256', Buffer.from(parts[0] + '.' + parts[1]),
                               { key: publicKey, dsaEncoding: 'ieee-p1363' }, fromBase64Url(parts[2]));
  if (!signed) return 'InvalidProviderToken';
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.iat !== 'number' || claims.iat > now + 60) return 'InvalidProviderToken';
  if (claims.iat < now - 3600) return 'ExpiredProviderToken';
  return '';
}

function answer(stream, status, reason, extra) {
  const headers = Object.assign({ ':status': status, 'apns-id': crypto.randomUUID() }, extra || {});
  if (!reason) {
    stream.respond(headers, { endStream: true });
    return;
  }
  headers['content-type'] = 'application/json';
  stream.respond(headers);
  stream.end(JSON.stringify(status === 410 ? { reason, timestamp: Date.now() } : { reason }));
}

function onPush(stream, headers, body) {
  const match = /^\/3\/device\/([0-9a-fA-F]+)$/.exec(headers[':path'] || '');
  if (headers[':method'] !== 'POST') return answer(stream, 405, 'MethodNotAllowed');
  if (!match) return answer(stream, 404, 'BadPath');
  const token = match[1];
  const claims = {};
  const refused = checkProviderToken(headers.authorization, claims);
  if (refused) return answer(stream, 403, refused);
  if (!headers['apns-topic']) return answer(stream, 400, 'MissingTopic');
  if (headers['apns-topic'] !== apns.bundle_id) return answer(stream, 400, 'TopicDisallowed');
  if (headers['apns-push-type'] !== 'alert') return answer(stream, 400, 'InvalidPushType');
  const collapse = headers['apns-collapse-id'] || '';
  if (Buffer.byteLength(collapse) > 64) return answer(stream, 400, 'BadCollapseId');
  if (body.length > 4096) return answer(stream, 413, 'PayloadTooLarge');
  let payload;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch (e) {
    return answer(stream, 400, 'PayloadEmpty');
  }
  if (!payload || typeof payload.aps !== 'object') return answer(stream, 400, 'PayloadEmpty');
  const mode = modes.get(token) || 'ok';
  if (mode === 'throttle') modes.set(token, 'ok');  // once
  const status = { ok: 200, unregistered: 410, baddevicetoken: 400, throttle: 429, down: 503 }[mode];
  const alert = payload.aps.alert || {};
  sent += JSON.stringify({
    token, status, at_ms: Date.now(), iat: claims.iat, topic: headers['apns-topic'],
    push_type: headers['apns-push-type'], collapse_id: collapse,
    title: alert.title || '', body: alert.body || '', badge: payload.aps.badge,
  }) + '\n';
  const reasons = { unregistered: 'Unregistered', baddevicetoken: 'BadDeviceToken',
                    throttle: 'TooManyRequests', down: 'ServiceUnavailable' };
  answer(stream, status, reasons[mode] || '');
}

const server = http2.createSecureServer({
  key: fs.readFileSync('config/dev/push/fake_apns_key.pem'),
  cert: fs.readFileSync('config/dev/push/fake_apns_cert.pem'),
});
server.on('stream', (stream, headers) => {
  const chunks = [];
  stream.on('data', (c) => chunks.push(c));
  stream.on('end', () => onPush(stream, headers, Buffer.concat(chunks)));
  stream.on('error', () => {});
});
server.on('sessionError', () => {});
server.listen(Number(endpoint[2]), endpoint[1], () =>
  console.error(`fake_apns: listening on ${endpoint[1]}:${endpoint[2]} (h2 over TLS), control on 127.0.0.1:${controlPort}`));

const control = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'GET' && url.pathname === '/control/apns/sent') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(sent);
    }
    if (req.method === 'POST' && url.pathname === '/control/apns/mode') {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8') || url.search.slice(1));
      const token = form.get('token'), mode = form.get('mode');
      if (!token || !['ok', 'unregistered', 'baddevicetoken', 'throttle', 'down'].includes(mode)) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        return res.end('token=... mode=ok|unregistered|baddevicetoken|throttle|down\n');
      }
      modes.set(token, mode);
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(mode + '\n');
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('no such endpoint\n');
  });
});
control.listen(controlPort, '127.0.0.1');
