-- wrk script of the benchmark: sends the pre-signed requests of a file (one per line:
-- METHOD <tab> PATH?QUERY <tab> BODY, from `dtbench sign`), each once, and counts every
-- answer that is not "code":0. Its last line is machine-readable for bench/run.sh.
--   wrk -t1 -c32 -d5s -s bench/wrk.lua URL -- FILE
local requests = {}
local next_index = 0
failures = 0  -- global: done() reads it from each thread
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
  for line in io.lines(args[1]) do
    local method, path, body = line:match("^(%u+)\t([^\t]*)\t?(.*)$")
    if method == "GET" then
      requests[#requests + 1] = wrk.format("GET", path)
    elseif method then
      requests[#requests + 1] = wrk.format(method, path, headers, body)
    end
  end
end

function request()
  next_index = next_index + 1
  if next_index > #requests then
    next_index = 1
    exhausted = true  -- from here on, nonces repeat: the answers will say so
  end
  return requests[next_index]
end

function response(status, headers, body)
  if not body:find('"code":0', 1, true) then
    failures = failures + 1
    if failures <= 3 then io.stderr:write("bench: not code 0 (HTTP " .. status .. "): " .. body:sub(1, 200) .. "\n") end
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("failures") end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format("RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f failed=%d errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, failed, errors))
end
