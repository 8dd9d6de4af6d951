-- wrk script for every read run: prints wrk's figures as one JSON line the harness parses,
-- and cycles through paths: those in IW_BENCH_PATHS, separated by "|", or one a line in the file
-- IW_BENCH_PATH_FILE from line IW_BENCH_FIRST_PATH on (0-based), so that a cold page's runs go on
-- where the last one stopped and each path is asked for once.
local paths = {}
local spec = os.getenv("IW_BENCH_PATHS")
local file = os.getenv("IW_BENCH_PATH_FILE")
if file and file ~= "" then
  for line in io.lines(file) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
elseif spec and spec ~= "" then
  for path in string.gmatch(spec, "[^|]+") do
    paths[#paths + 1] = path
  end
end

if #paths > 0 then
  local counter = tonumber(os.getenv("IW_BENCH_FIRST_PATH") or "0")
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
