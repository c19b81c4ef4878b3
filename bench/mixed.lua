-- wrk script for bench/cluster.sh: a mixed load, one request in WRITE_EVERY a write (a
-- new draft post, which empties the cached answers for posts on every node), the
-- others public reads spread over lists, a page of an archive and one entry.
local token = os.getenv("CIVITAS_BENCH_TOKEN")
local write_every = tonumber(os.getenv("WRITE_EVERY") or "10")
local reads = {
  "/api/v1/content/post",
  "/api/v1/content/post?page[number]=3",
  "/api/v1/content/page",
  "/api/v1/content/expert/john-marwel",
  "/api/v1/content/post?filter[tags][contains]=mobility",
}
local counter = 0
-- Each wrk process draws the same random numbers, so titles (and the slugs made from
-- them) also carry the process's own name (bench/cluster.sh sets WRK_SOURCE per node).
local source = os.getenv("WRK_SOURCE") or "wrk"

request = function()
  counter = counter + 1
  if counter % write_every == 0 then
    local body = string.format(
      '{"title": "Load %s %d %d", "body": "Written under load."}', source, counter, math.random(1, 1e9))
    return wrk.format("POST", "/api/v1/admin/content/post", {
      ["authorization"] = "Bearer " .. token,
      ["content-type"] = "application/json",
    }, body)
  end
  return wrk.format("GET", reads[(counter % #reads) + 1])
end
