#pragma once
// Counts of the requests one vendor port answered, by route, and the last 1000 of them with
// their real start and end times, for GET /_sandbox/stats. Thread-safe.
#include <boost/json/fwd.hpp>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace runhub::sandbox {

struct request_record {
    std::string method;
    std::string path;
    int status = 0;             // 0 when nothing was answered (reset, hang)
    std::int64_t start_ms = 0;  // Unix milliseconds, real clock
    std::int64_t end_ms = 0;
};

class request_stats {
  public:
    explicit request_stats(std::size_t keep_recent = 1000) : keep_(keep_recent) {}

    // `route` is "METHOD /pattern" ("GET /v1/runs/{id}").
    void record(const std::string& route, request_record r);
    void clear();
    std::uint64_t total() const;
    // {"total": N, "by_route": {...}, "recent": [{method, path, status, start_ms, end_ms}, ...]}
    boost::json::object to_json() const;

  private:
    std::size_t keep_;
    mutable std::mutex mutex_;
    std::uint64_t total_ = 0;
    std::map<std::string, std::uint64_t> by_route_;
    std::deque<request_record> recent_;
};

}  // namespace runhub::sandbox
