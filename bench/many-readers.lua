-- wrk script of the many-readers bench (bench/many-readers.ts).
--
-- Why wrk and a precomputed list: autocannon, run in Node, costs the load
-- core about 30 µs a request, so it tops out near 30,000 req/s and a raw
-- node:http server (~65,000 req/s on one core) would be measured against the
-- generator, not against itself. wrk is C with LuaJIT; with every request
-- formatted once in init() and request() only handing out the next string,
-- a request costs it a few µs, and the bench checks that it is not the
-- bottleneck (raw req/s and wrk's own CPU are printed).
--
-- Environment:
--   READERS_REQUESTS  a file, one request a line: "<path>\t<cookie header>"
--   READERS_START     where thread 0 starts in the list (0-based); thread i of
--   READERS_THREADS   starts i/READERS_THREADS of the list further on, so
--                     threads and successive runs never send the same part
--   READERS_TARGETS   "host:port,host:port": thread i talks to target i mod n
--                     (two portal instances sharing one PostgreSQL); without it
--                     every thread uses the URL on the command line.
--
-- No response() callback: defining one makes wrk hand every answer to Lua.
-- Answers ≥ 400 are counted by wrk itself (errors.status); a redirect would
-- pass, so the bench checks every session's first request beforehand and the
-- bytes per answer afterwards.

local targets = {}
local next_thread = 0

function setup(thread)
  local spec = os.getenv("READERS_TARGETS")
  if spec and spec ~= "" then
    if #targets == 0 then
      for hp in string.gmatch(spec, "[^,]+") do table.insert(targets, hp) end
    end
    local host, port = string.match(targets[(next_thread % #targets) + 1], "^(.+):(%d+)$")
    thread.addr = wrk.lookup(host, port)[1]
  end
  -- A global in the thread's own Lua state, read by init().
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
end

local requests = {}
local count = 0
local position = 0

function init(args)
  for line in io.lines(os.getenv("READERS_REQUESTS")) do
    local path, cookie = string.match(line, "^([^\t]+)\t(.*)$")
    if path then
      count = count + 1
      requests[count] = wrk.format("GET", path, { ["Cookie"] = cookie })
    end
  end
  if count == 0 then error("no requests in " .. tostring(os.getenv("READERS_REQUESTS"))) end
  local threads = tonumber(os.getenv("READERS_THREADS") or "1")
  local start = tonumber(os.getenv("READERS_START") or "0")
  -- request() adds one before sending: position is the 1-based index of the last one sent.
  position = (start + math.floor((thread_index or 0) * count / threads)) % count
end

function request()
  position = position + 1
  if position > count then position = 1 end
  return requests[position]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    '\nREADERS {"requests":%d,"durationUs":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"latencyUs":{"p50":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, latency.mean))
end
