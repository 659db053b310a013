#include "sandbox/core/request_stats.hpp"

#include <boost/json.hpp>

namespace runhub::sandbox {

void request_stats::record(const std::string& route, request_record r) {
    std::lock_guard lock(mutex_);
    ++total_;
    ++by_route_[route];
    recent_.push_back(std::move(r));
    while (recent_.size() > keep_) recent_.pop_front();
}

void request_stats::clear() {
    std::lock_guard lock(mutex_);
    total_ = 0;
    by_route_.clear();
    recent_.clear();
}

std::uint64_t request_stats::total() const {
    std::lock_guard lock(mutex_);
    return total_;
}

boost::json::object request_stats::to_json() const {
    std::lock_guard lock(mutex_);
    boost::json::object by_route;
    for (const auto& [route, n] : by_route_) by_route[route] = n;
    boost::json::array recent;
    recent.reserve(recent_.size());
    for (const auto& r : recent_) {
        recent.push_back(boost::json::object{{"method", r.method},
                                             {"path", r.path},
                                             {"status", r.status},
                                             {"start_ms", r.start_ms},
                                             {"end_ms", r.end_ms}});
    }
    boost::json::object o;
    o["total"] = total_;
    o["by_route"] = std::move(by_route);
    o["recent"] = std::move(recent);
    return o;
}

}  // namespace runhub::sandbox
