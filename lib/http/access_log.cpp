#include "http/access_log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <cmath>

namespace runhub::http {

namespace {
std::shared_ptr<spdlog::logger> default_logger() {
    if (auto existing = spdlog::get("access")) return existing;
    auto l = spdlog::stdout_logger_mt("access");
    l->set_pattern("%v");
    return l;
}
std::shared_ptr<spdlog::logger>& logger_slot() {
    static std::shared_ptr<spdlog::logger> logger = default_logger();
    return logger;
}
const std::shared_ptr<spdlog::logger>& access_logger() { return logger_slot(); }
}  // namespace

void log_access(const access_entry& e) {
    const auto& logger = access_logger();
    if (!logger->should_log(spdlog::level::info)) return;
    boost::json::object line;
    auto now = std::chrono::system_clock::now();
    line["ts_ms"] =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    line["server"] = e.server;
    line["request_id"] = e.request_id;
    line["method"] = e.method;
    line["path"] = e.path;
    line["route"] = e.route;
    line["status"] = e.status;
    line["bytes"] = e.bytes;
    // Integral microseconds: Boost.JSON 1.81 prints doubles in exponent form.
    line["latency_us"] = static_cast<std::int64_t>(std::llround(e.latency_ms * 1000.0));
    line["remote"] = e.remote;
    logger->info(boost::json::serialize(line));
}

}  // namespace runhub::http

namespace runhub::http {
void set_access_logger(std::shared_ptr<spdlog::logger> logger) {
    logger_slot() = logger ? std::move(logger) : default_logger();
}
}  // namespace runhub::http
