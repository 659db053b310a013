#include "gate/gate_settings.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

namespace runhub::service::ci_gate {

using namespace std::chrono_literals;

namespace {

std::string env_or_empty(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

std::string hex64(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

// runhub takes 1..255 visible ASCII characters.
std::string header_safe_key(std::string k) {
    for (auto& c : k)
        if (c < 0x21 || c > 0x7e) c = '_';
    if (k.size() > 255) k = k.substr(0, 200) + ":" + hex64(fnv1a(k));
    return k;
}

std::string random_hex() {
    std::random_device rd;
    return hex64((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
}

std::string read_key_file(const std::string& path, std::string& why) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        why = "cannot read --api-key-file " + path + ": " + std::strerror(errno);
        return "";
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string key = ss.str();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    if (key.empty()) why = "--api-key-file " + path + " is empty";
    return key;
}

}  // namespace

std::optional<ms> parse_duration(std::string_view s) {
    if (s.empty()) return std::nullopt;
    ms total{0};
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t j = i;
        long long n = 0;
        while (j < s.size() && s[j] >= '0' && s[j] <= '9') {
            n = n * 10 + (s[j] - '0');
            if (n > 1'000'000'000) return std::nullopt;
            ++j;
        }
        if (j == i) return std::nullopt;
        std::size_t k = j;
        while (k < s.size() && s[k] >= 'a' && s[k] <= 'z') ++k;
        auto unit = s.substr(j, k - j);
        if (unit == "ms")
            total += ms(n);
        else if (unit == "s")
            total += ms(n * 1000);
        else if (unit == "m")
            total += ms(n * 60'000);
        else if (unit == "h")
            total += ms(n * 3'600'000);
        else
            return std::nullopt;
        i = k;
    }
    return total;
}

std::string format_duration(ms d) {
    if (d < 1s) return std::to_string(d.count()) + "ms";
    long long s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    std::string out;
    if (s >= 3600) out += std::to_string(s / 3600) + "h";
    if (s % 3600 >= 60) out += std::to_string(s % 3600 / 60) + "m";
    if (s % 60 || out.empty()) out += std::to_string(s % 60) + "s";
    return out;
}

std::string ci_job() {
    if (auto id = env_or_empty("GITHUB_RUN_ID"); !id.empty()) {
        auto attempt = env_or_empty("GITHUB_RUN_ATTEMPT");
        return "github:" + id + ":" + (attempt.empty() ? "1" : attempt) + ":" +
               env_or_empty("GITHUB_JOB");
    }
    if (auto id = env_or_empty("CI_JOB_ID"); !id.empty()) return "gitlab:" + id;
    if (auto id = env_or_empty("BUILDKITE_JOB_ID"); !id.empty()) return "buildkite:" + id;
    if (auto id = env_or_empty("CIRCLE_WORKFLOW_JOB_ID"); !id.empty()) return "circleci:" + id;
    if (auto id = env_or_empty("BUILD_TAG"); !id.empty()) return "jenkins:" + id;
    return "";
}

std::string default_idempotency_key(const std::string& source, const boost::json::object& target) {
    auto job = ci_job();
    auto digest = hex64(fnv1a(boost::json::serialize(target))).substr(0, 12);
    if (job.empty()) return header_safe_key("gate:" + source + ":" + random_hex());
    return header_safe_key("gate:" + source + ":" + job + ":" + digest);
}

// Turns the flags into settings; the problems, one per line (empty when all is well).
std::vector<std::string> to_settings(const gate_flags& f, gate_settings& s) {
    std::vector<std::string> problems;
    if (f.url.empty()) {
        problems.push_back("--url is required (the runhub facade, e.g. http://127.0.0.1:8080)");
    } else {
        auto u = boost::urls::parse_uri(f.url);
        if (!u || (u->scheme() != "http" && u->scheme() != "https") || !u->has_authority() ||
            u->encoded_host().empty() || u->has_query() || u->has_fragment())
            problems.push_back("--url must be http(s)://HOST[:PORT][/PREFIX], got " + f.url);
        s.base_url = f.url;
        while (!s.base_url.empty() && s.base_url.back() == '/') s.base_url.pop_back();
    }
    const bool trigger = !f.source.empty() || !f.target.empty();
    if (!f.run_id.empty() && trigger)
        problems.push_back("give either --run or --source with --target, not both");
    else if (f.run_id.empty() && (f.source.empty() || f.target.empty()))
        problems.push_back("give --source and --target to start a run, or --run to watch one");
    s.source = f.source;
    s.run_id = f.run_id;
    if (!f.target.empty()) {
        boost::system::error_code ec;
        auto v = boost::json::parse(f.target, ec);
        if (ec)
            problems.push_back("--target is not JSON: " + ec.message());
        else if (!v.is_object())
            problems.push_back("--target must be a JSON object");
        else
            s.target = v.get_object();
    }
    auto duration = [&](const char* name, const std::string& text, ms& out, ms min) {
        auto d = parse_duration(text);
        if (!d || *d < min)
            problems.push_back(std::string(name) + " must be a duration like 90s, 30m, 1h or " +
                               "500ms (at least " + format_duration(min) + "), got '" + text + "'");
        else
            out = *d;
    };
    duration("--timeout", f.timeout, s.timeout, 1ms);
    duration("--poll", f.poll, s.poll, 50ms);
    duration("--retry-for", f.retry_for, s.retry_for, 1ms);
    if (f.max_failures < -1 || f.min_tests < -1)
        problems.push_back("--max-failures and --min-tests must be >= 0");
    s.max_failures = f.max_failures;
    s.min_tests = f.min_tests;
    s.cancel_on_timeout = f.cancel_on_timeout;
    s.junit = f.junit;
    s.ca_file = f.ca_file;

    // The key: --api-key-file when given, else RUNHUB_API_KEY.
    std::string why;
    if (!f.api_key_file.empty())
        s.api_key = read_key_file(f.api_key_file, why);
    else if (s.api_key = env_or_empty("RUNHUB_API_KEY"); s.api_key.empty())
        why = "no API key: set RUNHUB_API_KEY or give --api-key-file";
    if (!why.empty()) problems.push_back(why);
    for (char c : s.api_key)
        if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f) {
            problems.push_back("the API key holds spaces or control characters");
            break;
        }

    if (f.idempotency_key != gate_flags::unset) {
        s.idempotency_key = f.idempotency_key;
        if (!s.idempotency_key.empty() && header_safe_key(s.idempotency_key) != s.idempotency_key)
            problems.push_back("--idempotency-key must be 1..255 visible ASCII characters");
    } else if (problems.empty() && s.run_id.empty()) {
        s.idempotency_key = default_idempotency_key(s.source, s.target);
    }
    return problems;
}

}  // namespace runhub::service::ci_gate
