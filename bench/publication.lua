-- wrk script of the publication run (bench/public_bench.py): requests each of BENCH_PATHS in turn and
-- counts, per page, the responses, those not 200, those that show BENCH_HEADLINE before the embargo
-- second BENCH_EMBARGO (Unix time), and those after that second that do not show it.

local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS"), "%S+") do
  table.insert(paths, path)
end
local embargo = tonumber(os.getenv("BENCH_EMBARGO"))
local headline = os.getenv("BENCH_HEADLINE")
local fields = {"responses", "failed", "early", "after", "missing"}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  -- One flat table per thread, keyed "<path> <field>": wrk copies flat tables between threads.
  counts = {}
  for _, path in ipairs(paths) do
    for _, field in ipairs(fields) do
      counts[path .. " " .. field] = 0
    end
  end
end

function request()
  sent = sent + 1
  return wrk.format("GET", paths[sent % #paths + 1])
end

-- wrk does not say which request a response answers; the page's title does.
local function page_of(body)
  if string.find(body, "<title>News releases", 1, true) then
    return "/investors/news/"
  end
  return "/investors/"
end

local function count(page, field)
  counts[page .. " " .. field] = counts[page .. " " .. field] + 1
end

function response(status, headers, body)
  local now = os.time()
  local page = page_of(body)
  local shows = string.find(body, headline, 1, true) ~= nil
  count(page, "responses")
  if status ~= 200 then
    count(page, "failed")
  elseif now < embargo and shows then
    count(page, "early")
  elseif now > embargo then
    count(page, "after")
    if not shows then
      count(page, "missing")
    end
  end
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    -- One thread:get per thread: wrk 4.1 crashes when it copies tables between threads many times.
    for key, value in pairs(thread:get("counts")) do
      totals[key] = (totals[key] or 0) + value
    end
  end
  for _, path in ipairs(paths) do
    local line = "page " .. path
    for _, field in ipairs(fields) do
      line = line .. " " .. field .. "=" .. totals[path .. " " .. field]
    end
    io.write(line .. "\n")
  end
end
