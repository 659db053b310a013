#pragma once
// runhub's configuration: plain structs with their defaults, read once at start-up from one JSON
// file (comments and trailing commas allowed). Every key is documented, with its default, in
// deploy/runhub.example.json.
#include <string>
#include <vector>

#include "config/json_reader.hpp"
#include "http/server.hpp"

namespace runhub::config {

struct runhub_config {
    std::string listen = "127.0.0.1:8080";  // HOST:PORT of the facade
    int threads = 0;                        // io threads; 0 = the machine's cores
    std::string log_level = "info";         // trace, debug, info, warn, error, off
    http::server_options server;            // limits, timeouts, access log (key "server")
};

struct load_result {
    runhub_config config;
    std::vector<problem> problems;  // empty when the configuration is usable
};

// Parses and validates a configuration text; every problem is reported with its key path.
load_result parse_config(std::string_view text);
// Reads a file and parses it; an unreadable file is one problem with path "".
load_result load_config_file(const std::string& path);

bool valid_log_level(std::string_view level);

}  // namespace runhub::config
