#include "http/access_log.hpp"

#include "http/buffered_fd_sink.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>

namespace runhub::http {

namespace {
std::shared_ptr<spdlog::logger> default_logger() {
    if (auto existing = spdlog::get("access")) return existing;
    // stdout through a 64 KiB buffer flushed every 200 ms at the latest (one write(2) per
    // ~100 lines on a busy server instead of one per line); a line at a time on a terminal.
    auto sink = std::make_shared<buffered_fd_sink>(STDOUT_FILENO, std::chrono::milliseconds(200));
    auto l = std::make_shared<spdlog::logger>("access", std::move(sink));
    l->set_pattern("%v");
    spdlog::register_logger(l);
    return l;
}
std::shared_ptr<spdlog::logger>& logger_slot() {
    static std::shared_ptr<spdlog::logger> logger = default_logger();
    return logger;
}
const std::shared_ptr<spdlog::logger>& access_logger() { return logger_slot(); }

// `s` as a JSON string, quotes included (RFC 8259: '"', '\\' and control characters escaped;
// other bytes as they are, as Boost.JSON writes them).
void append_json_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        } else {
            out += ch;
        }
    }
    out += '"';
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
    out += ",\"";
    out += name;
    out += "\":";
    append_json_string(out, value);
}

void append_field(std::string& out, std::string_view name, std::int64_t value) {
    out += ",\"";
    out += name;
    out += "\":";
    out += std::to_string(value);
}

}  // namespace

void log_access(const access_entry& e) {
    const auto& logger = access_logger();
    if (!logger->should_log(spdlog::level::info)) return;
    // Written field by field (one buffer, no JSON tree): this runs for every request.
    thread_local std::string line;
    line.clear();
    auto now = std::chrono::system_clock::now();
    line += "{\"ts_ms\":";
    line += std::to_string(
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
    append_field(line, "server", e.server);
    append_field(line, "request_id", e.request_id);
    append_field(line, "method", e.method);
    append_field(line, "path", e.path);
    append_field(line, "route", e.route);
    append_field(line, "status", std::int64_t{e.status});
    append_field(line, "bytes", static_cast<std::int64_t>(e.bytes));
    append_field(line, "latency_us",
                 static_cast<std::int64_t>(std::llround(e.latency_ms * 1000.0)));
    append_field(line, "remote", e.remote);
    line += '}';
    logger->info(std::string_view(line));
}

}  // namespace runhub::http

namespace runhub::http {
void set_access_logger(std::shared_ptr<spdlog::logger> logger) {
    logger_slot() = logger ? std::move(logger) : default_logger();
}
}  // namespace runhub::http
