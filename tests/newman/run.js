// Runs the Postman collection with Newman (the library: Postman's own runtime and
// sandbox) and writes what PostmanTest checks: every request with its folder, HTTP
// status, the start of its reply and its assertions, the run's failures, and the
// collection variables the requests kept, as JSON.
//   node tests/newman/run.js COLLECTION OUT_JSON [name=value ...] [--folder NAME ...]
//                            [--before ITEM=COMMAND ...]
// name=value pairs are environment variables (baseUrl, phone...); --folder runs only
// that folder (each one given, in the collection's order). --before runs COMMAND
// (a shell command) before the request named ITEM: the test's stand-in for time passing,
// such as the minute between two SMS codes of one phone.
'use strict';
const { execSync } = require('child_process');
const fs = require('fs');
const newman = require('newman');

const args = process.argv.slice(2);
if (args.length < 2) {
  console.error('usage: run.js COLLECTION OUT_JSON [name=value ...] [--folder NAME ...] [--before ITEM=COMMAND ...]');
  process.exit(2);
}
const [collection, out] = args;
const envVar = [];
const before = {};
const folders = [];
for (let i = 2; i < args.length; i++) {
  if (args[i] === '--folder') { folders.push(args[++i]); continue; }
  const isBefore = args[i] === '--before';
  const pair = isBefore ? args[++i] : args[i];
  const eq = pair.indexOf('=');
  if (eq < 0) { console.error(`not name=value: ${pair}`); process.exit(2); }
  if (isBefore) before[pair.slice(0, eq)] = pair.slice(eq + 1);
  else envVar.push({ key: pair.slice(0, eq), value: pair.slice(eq + 1) });
}

const json = JSON.parse(fs.readFileSync(collection, 'utf8'));
// The folder of each request, in the order Newman runs them (its cursor's position).
const folderOf = json.item.flatMap((f) => (folders.length && !folders.includes(f.name) ? [] : f.item.map(() => f.name)));
const requests = [];
let kept = {};
newman.run({
  collection: json,
  folder: folders.length ? folders : undefined,
  envVar,
  workingDir: process.cwd(),
  timeoutRequest: 20000,
  reporters: [],
})
  .on('beforeItem', (err, a) => {
    // Synchronous: the request waits for the command.
    if (before[a.item.name]) execSync(before[a.item.name], { stdio: 'inherit' });
  })
  .on('request', (err, a) => {
    requests.push({
      item: a.item.name,
      folder: folderOf[a.cursor.position] || '',
      status: a.response ? a.response.code : 0,
      body: a.response ? a.response.text().slice(0, 300) : '',
      error: err ? String(err) : '',
      assertions: [],
    });
  })
  .on('assertion', (err, a) => {
    const last = requests[requests.length - 1];
    if (last) last.assertions.push({ name: a.assertion, error: err ? err.message : '' });
  })
  .on('test', (err, a) => {
    const result = a.executions.length ? a.executions[0].result : null;
    const scope = result ? result.collectionVariables : null;
    if (scope && scope.values) kept = Object.fromEntries(scope.values.map((v) => [v.key, v.value]));
  })
  .on('done', (err, summary) => {
    const failures = summary.run.failures.map((f) => `${f.source ? f.source.name : ''}: ${f.error.message}`);
    if (err) failures.push(String(err));
    fs.writeFileSync(out, JSON.stringify({ requests, failures, variables: kept }, null, 1));
    process.exit(failures.length ? 1 : 0);
  });
