-- wrk script of the benchmark: sends the pre-signed requests of a file (one per line:
-- METHOD <tab> PATH?QUERY <tab> BODY [<tab> NAME: VALUE]..., from `dtbench sign`), each
-- once, and counts every answer that is not the expected one: by default a body with
-- "code":0; EXPECT "status=N" wants HTTP status N, any other EXPECT that text in the body
-- (a gateway's "success"). Its last line is machine-readable for bench/run.sh.
--   wrk -t1 -c32 -d5s -s bench/wrk.lua URL -- FILE [EXPECT]
local requests = {}
local next_index = 0
local expect_text = '"code":0'
local expect_status = nil
failures = 0  -- global: done() reads it from each thread
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  if args[2] then
    expect_status = tonumber(args[2]:match("^status=(%d+)$"))
    expect_text = args[2]
  end
  for line in io.lines(args[1]) do
    local method, path, rest = line:match("^(%u+)\t([^\t]*)\t?(.*)$")
    if method == "GET" then
      requests[#requests + 1] = wrk.format("GET", path)
    elseif method then
      local fields = {}
      for field in (rest .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = field end
      local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
      for i = 2, #fields do
        local name, value = fields[i]:match("^([^:]+): (.*)$")
        if name then headers[name] = value end
      end
      requests[#requests + 1] = wrk.format(method, path, headers, fields[1])
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
  local ok
  if expect_status then ok = status == expect_status else ok = body:find(expect_text, 1, true) ~= nil end
  if not ok then
    failures = failures + 1
    if failures <= 3 then io.stderr:write("bench: unexpected answer (HTTP " .. status .. "): " .. body:sub(1, 200) .. "\n") end
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
