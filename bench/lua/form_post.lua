-- wrk script for the mixed load's writes: POSTs the add-statement form at a steady rate.
-- The POSTs follow one schedule, a POST every IW_BENCH_INTERVAL_MS over all connections (wrk runs
-- this with one thread, so one schedule): before each request a connection waits for the next free
-- slot, or sends at once when the server has fallen behind it. A server's slowness therefore can't
-- lower the rate it is offered, as a fixed pause after each answer would; the connections only cap
-- how many POSTs are in flight at once. The bodies (one URL-encoded form per line, each with its own
-- submission key) come from IW_BENCH_BODIES; IW_BENCH_FIRST_BODY is the first line to send, so that
-- repeats post bodies not sent before. The session cookie and CSRF token arrive as wrk -H headers.
dofile(os.getenv("IW_BENCH_LUA_DIR") .. "/report.lua")

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } iw_timespec;
int clock_gettime(int clock_id, iw_timespec *now);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("iw_timespec")

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local bodies = {}
for line in io.lines(os.getenv("IW_BENCH_BODIES")) do
  bodies[#bodies + 1] = line
end
local path = os.getenv("IW_BENCH_FORM_PATH")
local interval = tonumber(os.getenv("IW_BENCH_INTERVAL_MS"))
local sent = tonumber(os.getenv("IW_BENCH_FIRST_BODY") or "0")
local next_slot = nil

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

request = function()
  sent = sent + 1
  return wrk.format("POST", path, nil, bodies[(sent - 1) % #bodies + 1])
end

delay = function()
  local now = now_ms()
  if next_slot == nil then
    next_slot = now
  end
  local wait = next_slot - now
  next_slot = next_slot + interval
  if wait <= 0 then
    return 0
  end
  return math.floor(wait + 0.5)
end
