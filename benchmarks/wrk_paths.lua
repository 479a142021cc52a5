-- wrk script for the benchmarks: cycles through a list of paths, one per line (a "{rand}" in a
-- path becomes a fresh number per request, as a new fbclid on every click), and sends the
-- cookies of one buyer per request when a cookie file is given (one Cookie header per line).
-- Browsers' Accept-Encoding and Accept-Language are sent, so compression is measured too.
-- Usage: wrk -s wrk_paths.lua URL -- paths.txt [cookies.txt]
-- Prints one line: RESULT requests=… duration_us=… p50_us=… p95_us=… p99_us=… non200=… hits=… …

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths, cookies = {}, {}
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  if args[2] and args[2] ~= "" then
    for line in io.lines(args[2]) do
      if line ~= "" then cookies[#cookies + 1] = line end
    end
  end
  math.randomseed(os.time() + id * 7919)
  -- Threads start at different places in the list, so they do not ask for the same page together.
  counter = id * 7919
  non200, hits = 0, 0
end

function request()
  counter = counter + 1
  local path = (paths[counter % #paths + 1]:gsub("{rand}", function()
    return tostring(math.random(100000000, 999999999))
  end))
  local headers = {
    ["Accept-Encoding"] = "gzip, deflate",
    ["Accept-Language"] = "id-ID,id;q=0.9,en;q=0.8",
    ["Accept"] = "text/html,application/xhtml+xml",
  }
  if #cookies > 0 then headers["Cookie"] = cookies[counter % #cookies + 1] end
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
  if headers["X-Page-Cache"] == "hit" then hits = hits + 1 end
end

function done(summary, latency, requests)
  local bad, hit = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non200")
    hit = hit + thread:get("hits")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bytes=%d p50_us=%d p95_us=%d p99_us=%d non200=%d hits=%d "
      .. "connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), bad, hit, e.connect, e.read, e.write, e.timeout))
end
