-- wrk script for every read run: prints wrk's figures as one JSON line the harness parses,
-- and, when IW_BENCH_PATHS holds several paths separated by "|", cycles through them.
local paths = {}
local spec = os.getenv("IW_BENCH_PATHS")
if spec and spec ~= "" then
  for path in string.gmatch(spec, "[^|]+") do
    paths[#paths + 1] = path
  end
end

if #paths > 0 then
  local counter = 0
  request = function()
    counter = counter + 1
    return wrk.format(nil, paths[(counter - 1) % #paths + 1])
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'IW_BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99), latency.max,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
