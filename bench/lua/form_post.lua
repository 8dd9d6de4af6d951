-- wrk script for the mixed load's writes: POSTs the add-statement form at a steady rate.
-- Each connection sends one request, then waits IW_BENCH_DELAY_MS; the bodies (one
-- URL-encoded form per line, each with its own submission key) come from IW_BENCH_BODIES.
-- IW_BENCH_FIRST_BODY is the first line to send, so that repeats post bodies not sent before.
-- The session cookie and CSRF token arrive as wrk -H headers.
dofile(os.getenv("IW_BENCH_LUA_DIR") .. "/report.lua")

local bodies = {}
for line in io.lines(os.getenv("IW_BENCH_BODIES")) do
  bodies[#bodies + 1] = line
end
local path = os.getenv("IW_BENCH_FORM_PATH")
local wait = tonumber(os.getenv("IW_BENCH_DELAY_MS"))
local sent = tonumber(os.getenv("IW_BENCH_FIRST_BODY") or "0")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

request = function()
  sent = sent + 1
  return wrk.format("POST", path, nil, bodies[(sent - 1) % #bodies + 1])
end

delay = function()
  return wait
end
