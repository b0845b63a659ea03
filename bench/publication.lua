-- wrk script of the publication run (bench/public_bench.py): requests each of BENCH_PATHS in turn and
-- counts, per page, the responses, those not 200, those that show BENCH_HEADLINE before the embargo
-- second BENCH_EMBARGO (Unix time), and those after that second that do not show it.

local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS"), "%S+") do
  table.insert(paths, path)
end
local embargo = tonumber(os.getenv("BENCH_EMBARGO"))
local headline = os.getenv("BENCH_HEADLINE")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  counts = {}
  for _, path in ipairs(paths) do
    counts[path] = {responses = 0, failed = 0, early = 0, after = 0, missing = 0}
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

function response(status, headers, body)
  local now = os.time()
  local page = counts[page_of(body)]
  local shows = string.find(body, headline, 1, true) ~= nil
  page.responses = page.responses + 1
  if status ~= 200 then
    page.failed = page.failed + 1
  elseif now < embargo and shows then
    page.early = page.early + 1
  elseif now > embargo then
    page.after = page.after + 1
    if not shows then
      page.missing = page.missing + 1
    end
  end
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for path, page in pairs(thread:get("counts")) do
      local total = totals[path] or {responses = 0, failed = 0, early = 0, after = 0, missing = 0}
      for name, value in pairs(page) do
        total[name] = total[name] + value
      end
      totals[path] = total
    end
  end
  for path, total in pairs(totals) do
    io.write(string.format("page %s responses=%d failed=%d early=%d after=%d missing=%d\n", path,
      total.responses, total.failed, total.early, total.after, total.missing))
  end
end
