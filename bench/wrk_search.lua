-- wrk script: GET the directory's search with a different query of a prepared mix on every request
-- (one URL path per line of the file given after `--`), and print a JSON summary at the end for
-- bench/search_wrk.py to read. Each wrk thread runs its own copy, starting at a different line.

local paths = {}
local next_path = 1
local threads = {}
local thread_number = 0

function setup(thread)
  thread:set("thread_number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    table.insert(paths, line)
  end
  next_path = (thread_number * 997) % #paths + 1
end

function request()
  local path = paths[next_path]
  next_path = next_path % #paths + 1
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "non_2xx": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"timeouts": %d, "p50_ms": %.2f, "p99_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, errors.status, errors.connect, errors.read, errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
