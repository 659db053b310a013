#pragma once
#include <memory>
#include <string_view>

namespace spdlog {
class logger;
}

namespace runhub::http {

struct access_entry {
    std::string_view server;
    std::string_view request_id;
    std::string_view method;
    std::string_view path;
    std::string_view route;
    int status;
    std::size_t bytes;
    double latency_ms;
    std::string_view remote;
};

// Writes one JSON line on the "access" spdlog logger (created on first use, stdout). The path is
// the raw path without the query string, so that credentials in queries never reach the log.
void log_access(const access_entry& e);

// Replaces the access logger (tests capture lines with it); nullptr restores the stdout one.
// Call while no server runs.
void set_access_logger(std::shared_ptr<spdlog::logger> logger);

}  // namespace runhub::http
