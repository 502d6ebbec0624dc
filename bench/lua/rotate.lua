-- wrk script for every bench scenario: requests come from a generated Lua data file
-- (first script argument) and are sent in turn; responses whose status is not one the
-- scenario expects are counted, and done() prints one JSON line with the figures.
--
-- The data file returns {expect = {200}, requests = {{method=, path=, headers=, body=}, ...}}.

local threads = {}
local next_thread = 0

function setup(thread)
   thread:set("index", next_thread)
   next_thread = next_thread + 1
   table.insert(threads, thread)
end

function init(args)
   local data = dofile(args[1])
   expected = {}
   for _, status in ipairs(data.expect) do expected[status] = true end
   requests = {}
   for i, item in ipairs(data.requests) do
      requests[i] = wrk.format(item.method, item.path, item.headers, item.body)
   end
   -- Threads start at different places so they do not replay each other's requests.
   local count = #requests
   cursor = math.floor(index * count / math.max(1, tonumber(args[2]) or 1))
   unexpected = 0
   sent = 0
end

function request()
   cursor = cursor % #requests + 1
   sent = sent + 1
   return requests[cursor]
end

function response(status, headers, body)
   if not expected[status] then
      unexpected = unexpected + 1
   end
end

function done(summary, latency, requests)
   local unexpected_total, sent_total = 0, 0
   for _, thread in ipairs(threads) do
      unexpected_total = unexpected_total + thread:get("unexpected")
      sent_total = sent_total + thread:get("sent")
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
      '"unexpected_status": %d, "sent": %d, ' ..
      '"latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p95": %d, "p99": %d}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout, unexpected_total, sent_total,
      latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
      latency:percentile(95), latency:percentile(99)))
end
