-- wrk script: cycle through the space-separated paths in BENCH_PATHS.
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS"), "%S+") do
  table.insert(paths, path)
end
local next_path = 0

function request()
  next_path = next_path % #paths + 1
  return wrk.format(nil, paths[next_path])
end
