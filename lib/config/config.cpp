#include "config/config.hpp"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "config/listen_address.hpp"

namespace runhub::config {

namespace {

void read_ms(json_reader& r, std::string_view key, std::chrono::milliseconds& out, std::int64_t min,
             std::int64_t max) {
    std::int64_t v = out.count();
    r.read(key, v, min, max);
    out = std::chrono::milliseconds(v);
}

void read_size(json_reader& r, std::string_view key, std::size_t& out, std::int64_t min,
               std::int64_t max) {
    auto v = static_cast<std::int64_t>(out);
    r.read(key, v, min, max);
    out = static_cast<std::size_t>(v);
}

void read_server(json_reader& r, http::server_options& s) {
    read_size(r, "max_header_bytes", s.max_header_bytes, 1024, 1 << 20);
    read_size(r, "max_body_bytes", s.max_body_bytes, 0, 1LL << 30);
    read_size(r, "max_target_bytes", s.max_target_bytes, 256, 1 << 20);
    read_ms(r, "header_timeout_ms", s.header_timeout, 1, 3'600'000);
    read_ms(r, "idle_timeout_ms", s.idle_timeout, 1, 86'400'000);
    read_ms(r, "write_timeout_ms", s.write_timeout, 1, 3'600'000);
    read_ms(r, "drain_timeout_ms", s.drain_timeout, 0, 3'600'000);
    r.read("access_log", s.access_log);
}

}  // namespace

bool valid_log_level(std::string_view level) {
    for (auto l : {"trace", "debug", "info", "warn", "error", "off"})
        if (level == l) return true;
    return false;
}

load_result parse_config(std::string_view text) {
    load_result out;
    boost::json::parse_options opts;
    opts.allow_comments = true;
    opts.allow_trailing_commas = true;
    boost::system::error_code ec;
    boost::json::value root = boost::json::parse(text, ec, {}, opts);
    if (ec) {
        out.problems.push_back({"", "not valid JSON: " + ec.message()});
        return out;
    }
    if (!root.is_object()) {
        out.problems.push_back({"", "the configuration must be a JSON object"});
        return out;
    }
    auto& c = out.config;
    json_reader r(root.get_object(), "", out.problems);
    r.read("listen", c.listen);
    if (r.find("listen") && !parse_listen_address(c.listen))
        r.add_problem("listen", "must be IP:PORT, e.g. 127.0.0.1:8080 or [::1]:8080");
    std::int64_t threads = c.threads;
    r.read("threads", threads, 0, 256);
    c.threads = static_cast<int>(threads);
    r.read("log_level", c.log_level);
    if (!valid_log_level(c.log_level))
        r.add_problem("log_level", "must be one of trace, debug, info, warn, error, off");
    r.nested("server", [&](json_reader& s) { read_server(s, c.server); });
    r.reject_unknown();
    return out;
}

load_result load_config_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        load_result out;
        out.problems.push_back({"", "cannot read " + path});
        return out;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_config(ss.str());
}

}  // namespace runhub::config
