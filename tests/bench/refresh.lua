-- wrk script for the refresh-token grant with rotation: every response carries the next
-- refresh token, which the next request on this thread uses. Seed tokens come from
-- $REFRESH_SEEDS (one per line), dealt out to the threads.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  queue = {}
  local per = tonumber(os.getenv("SEEDS_PER_THREAD"))
  local i = 0
  for line in io.lines(os.getenv("REFRESH_SEEDS")) do
    if i >= (id - 1) * per and i < id * per then table.insert(queue, line) end
    i = i + 1
  end
  auth = "Basic " .. os.getenv("CLIENT_BASIC")
end

function request()
  local token = table.remove(queue, 1)
  if not token then
    exhausted = (exhausted or 0) + 1
    token = "exhausted"
  end
  return wrk.format("POST", "/token", {
    ["Authorization"] = auth,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "grant_type=refresh_token&refresh_token=" .. token)
end

function response(status, headers, body)
  local next_token = body:match('"refresh_token":"([^"]+)"')
  if next_token then
    table.insert(queue, next_token)
  else
    failures = (failures or 0) + 1
    first_failure = first_failure or (status .. " " .. body)
  end
end

function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    local f = t:get("first_failure")
    if f then io.stderr:write("refresh failure sample: " .. f .. "\n") end
    local e = t:get("exhausted")
    if e then io.stderr:write("refresh requests without a token left: " .. e .. "\n") end
  end
end
