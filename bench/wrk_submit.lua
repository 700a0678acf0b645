-- wrk script: POST a different clean application on every request (a unique CNIC, email and
-- mobile each time), as if from many clients behind one trusted proxy (X-Forwarded-For), and
-- print a JSON summary at the end for bench/wrk.py to read.
-- Each wrk thread runs its own copy of this script; `setup` gives each a distinct number.

local threads = {}
local counter = 0
-- thread_number is a global: `thread:set` in setup writes the thread's copy of it (a local would hide it)
thread_number = 0

function setup(thread)
  thread:set("thread_number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + thread_number)
  prefix = string.format("%d%04d", thread_number, math.random(0, 9999))
end

local function digits(n)
  local out = {}
  for i = 1, n do out[i] = tostring(math.random(0, 9)) end
  return table.concat(out)
end

function request()
  counter = counter + 1
  local serial = string.format("%s%06d", prefix, counter % 1000000)
  -- Punjab (first digit 3), female (last digit even): the automated checks approve it
  local cnic = "3" .. string.sub(serial .. digits(11), 1, 11) .. tostring(2 * math.random(0, 4))
  local body = string.format([[{"full_name": "Bench Wrk", "father_name": "Imran Khan", "cnic": "%s",
    "date_of_birth": "1995-04-12", "gender": "female", "email": "wrk.%s@example.pk",
    "mobile": "03%s", "province": "Punjab", "city": "Lahore", "address": "House 1, Street 2, Model Town",
    "education": "bachelors", "skills": ["python", "web-development"], "experience_years": 5,
    "platforms": [{"platform": "upwork", "profile_url": "https://www.upwork.com/freelancers/~01abc"}],
    "headline": "Python and Django developer", "listed": true, "consent": true, "language": "en"}]],
    cnic, serial, string.format("%d%02d%06d", thread_number % 10, math.random(0, 99), counter % 1000000))
  local forwarded = string.format("10.%d.%d.%d", thread_number, math.random(0, 255), math.random(1, 254))
  return wrk.format("POST", "/api/v1/applications",
                    {["Content-Type"] = "application/json", ["X-Forwarded-For"] = forwarded}, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "non_2xx": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"timeouts": %d, "p50_ms": %.2f, "p99_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, errors.status, errors.connect, errors.read, errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
