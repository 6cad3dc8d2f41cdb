-- Debian's wrk 4.1 has no rate flag (-R is wrk2's), so each connection is paced instead: after every response a
-- connection waits WRK_INTERVAL_MS (default 10) before its next request. With -c50 that is at most 5,000
-- requests/s, a little less by the response time; wrk reports the rate it reached.
local interval = tonumber(os.getenv("WRK_INTERVAL_MS") or "10")

function delay()
  return interval
end
