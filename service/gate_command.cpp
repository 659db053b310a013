// `runhub gate`: start a run through runhub (or watch one), wait for it, report it, exit with
// its outcome. One thread, one io_context, runhub's own HTTP client (TLS verified).
#include "gate_command.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <vector>

#include "http/client.hpp"

namespace runhub::service {

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using gclock = http::client::clock;
using ms = std::chrono::milliseconds;

// ---------------------------------------------------------------------------------------------
// Flags

// "90s", "30m", "1h", "500ms", "1h30m": one or more <digits><unit>; nullopt otherwise.
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

// The CI job this process runs in, as "<system>:<id>", or "" outside a known CI system.
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

// The key of a trigger: the CI job's (so a retried step replays the run it started) with the
// source and a digest of the target (so two gates of one job on different targets differ), or
// a random one (so this process's own retries never start a second run).
std::string default_idempotency_key(const std::string& source, const json::object& target) {
    auto job = ci_job();
    auto digest = hex64(fnv1a(json::serialize(target))).substr(0, 12);
    if (job.empty()) return header_safe_key("gate:" + source + ":" + random_hex());
    return header_safe_key("gate:" + source + ":" + job + ":" + digest);
}

// ---------------------------------------------------------------------------------------------
// What runhub answers

std::optional<long long> int_of(const json::value* v) {
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64()) return static_cast<long long>(v->get_uint64());
    if (v->is_double()) return static_cast<long long>(v->get_double());
    return std::nullopt;
}

std::string str_of(const json::object& o, std::string_view k) {
    const auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

struct counts_view {
    long long total = 0, passed = 0, failed = 0, skipped = 0, untested = 0;
};

struct run_view {
    std::string id, status, source, web_url;
    bool terminal = false;
    std::optional<counts_view> counts;
    std::optional<long long> duration_ms;
};

std::optional<run_view> run_of(std::string_view body) {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const auto& o = v.get_object();
    run_view r;
    r.id = str_of(o, "id");
    r.status = str_of(o, "status");
    if (r.id.empty() || r.status.empty()) return std::nullopt;
    r.source = str_of(o, "source");
    r.web_url = str_of(o, "web_url");
    if (const auto* t = o.if_contains("terminal"); t && t->is_bool())
        r.terminal = t->get_bool();
    else
        r.terminal = r.status == "passed" || r.status == "failed" || r.status == "error" ||
                     r.status == "canceled";
    if (const auto* c = o.if_contains("counts"); c && c->is_object()) {
        const auto& co = c->get_object();
        counts_view cv;
        cv.total = int_of(co.if_contains("total")).value_or(0);
        cv.passed = int_of(co.if_contains("passed")).value_or(0);
        cv.failed = int_of(co.if_contains("failed")).value_or(0);
        cv.skipped = int_of(co.if_contains("skipped")).value_or(0);
        cv.untested = int_of(co.if_contains("untested")).value_or(0);
        r.counts = cv;
    }
    r.duration_ms = int_of(o.if_contains("duration_ms"));
    return r;
}

struct failure_view {
    std::string name, message, suite, location, web_url;
    std::optional<long long> duration_ms;
};

std::optional<std::vector<failure_view>> failures_of(std::string_view body) {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const auto* data = v.get_object().if_contains("data");
    if (!data || !data->is_array()) return std::nullopt;
    std::vector<failure_view> out;
    for (const auto& f : data->get_array()) {
        if (!f.is_object()) continue;
        const auto& o = f.get_object();
        out.push_back({str_of(o, "name"), str_of(o, "message"), str_of(o, "suite"),
                       str_of(o, "location"), str_of(o, "web_url"),
                       int_of(o.if_contains("duration_ms"))});
    }
    return out;
}

// "400 invalid_body: target.project_id is required (field target.project_id)"
std::string describe(const http::client_result& r) {
    if (!r.response)
        return std::string(http::to_string(r.error)) + (r.detail.empty() ? "" : ": " + r.detail);
    std::string out = "HTTP " + std::to_string(r.response->status);
    boost::system::error_code ec;
    auto v = json::parse(r.response->body, ec);
    const json::object* err = nullptr;
    if (!ec && v.is_object())
        if (const auto* e = v.get_object().if_contains("error"); e && e->is_object())
            err = &e->get_object();
    if (!err) return out;
    if (auto code = str_of(*err, "code"); !code.empty()) out += " " + code;
    if (auto msg = str_of(*err, "message"); !msg.empty()) out += ": " + msg;
    if (const auto* d = err->if_contains("details"); d && d->is_object())
        if (auto field = str_of(d->get_object(), "field"); !field.empty())
            out += " (field " + field + ")";
    return out;
}

std::string utc_now() {
    auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string encode(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == ':') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string counts_text(const run_view& r) {
    if (!r.counts) return "";
    std::string out =
        " (" + std::to_string(r.counts->passed) + "/" + std::to_string(r.counts->total) + " passed";
    if (r.counts->failed) out += ", " + std::to_string(r.counts->failed) + " failed";
    if (r.counts->skipped) out += ", " + std::to_string(r.counts->skipped) + " skipped";
    return out + ")";
}

// ---------------------------------------------------------------------------------------------
// JUnit XML

// Escapes for XML 1.0 text and attribute values: markup characters as entities, line breaks
// and tabs as character references (kept in attributes), characters XML cannot carry at all
// (other C0 controls, U+FFFE/U+FFFF) and bytes that are not UTF-8 as U+FFFD.
std::string xml_escape(std::string_view s) {
    static const std::string replacement = "\xEF\xBF\xBD";
    std::string out;
    out.reserve(s.size() + 16);
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80) {
            switch (c) {
                case '&':
                    out += "&amp;";
                    break;
                case '<':
                    out += "&lt;";
                    break;
                case '>':
                    out += "&gt;";
                    break;
                case '"':
                    out += "&quot;";
                    break;
                case '\'':
                    out += "&apos;";
                    break;
                case '\n':
                    out += "&#10;";
                    break;
                case '\r':
                    out += "&#13;";
                    break;
                case '\t':
                    out += "&#9;";
                    break;
                default:
                    if (c < 0x20 || c == 0x7f)
                        out += replacement;
                    else
                        out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        }
        bool ok = len != 0 && i + len <= n;
        for (std::size_t k = 1; ok && k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80)
                ok = false;
            else
                cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        // A well-formed sequence of a character XML cannot carry (a surrogate, U+FFFE, U+FFFF,
        // beyond U+10FFFF, an overlong form) is one U+FFFD; a broken one is one per byte.
        const std::uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (ok && cp >= min[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) &&
            cp != 0xFFFE && cp != 0xFFFF) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += replacement;
            i += ok ? len : 1;
        }
    }
    return out;
}

std::string seconds_text(long long millis) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%03lld", millis / 1000, millis % 1000);
    return buf;
}

struct synthetic_error {
    std::string name, message;
};

std::string junit_xml(const run_view& run, const std::vector<failure_view>& failures,
                      const std::vector<synthetic_error>& errors) {
    const long long listed = static_cast<long long>(failures.size() + errors.size());
    const long long tests = std::max(run.counts ? run.counts->total : 0, listed);
    std::ostringstream x;
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x << "<testsuite name=\"" << xml_escape(run.id) << "\" tests=\"" << tests << "\" failures=\""
      << failures.size() << "\" errors=\"" << errors.size() << "\"";
    if (run.counts) x << " skipped=\"" << run.counts->skipped << "\"";
    if (run.duration_ms) x << " time=\"" << seconds_text(*run.duration_ms) << "\"";
    x << ">\n  <properties>\n";
    x << "    <property name=\"runhub.run_id\" value=\"" << xml_escape(run.id) << "\"/>\n";
    x << "    <property name=\"runhub.status\" value=\"" << xml_escape(run.status) << "\"/>\n";
    if (!run.web_url.empty())
        x << "    <property name=\"runhub.web_url\" value=\"" << xml_escape(run.web_url)
          << "\"/>\n";
    x << "  </properties>\n";
    for (const auto& f : failures) {
        const std::string classname = !f.suite.empty() ? f.suite : run.source;
        x << "  <testcase name=\"" << xml_escape(f.name.empty() ? "(unnamed)" : f.name)
          << "\" classname=\"" << xml_escape(classname) << "\"";
        if (f.duration_ms) x << " time=\"" << seconds_text(*f.duration_ms) << "\"";
        x << ">\n    <failure message=\"" << xml_escape(f.message) << "\" type=\"failure\">"
          << xml_escape(f.message);
        if (!f.location.empty()) x << "&#10;at " << xml_escape(f.location);
        if (!f.web_url.empty()) x << "&#10;" << xml_escape(f.web_url);
        x << "</failure>\n  </testcase>\n";
    }
    for (const auto& e : errors)
        x << "  <testcase name=\"" << xml_escape(e.name)
          << "\" classname=\"runhub.gate\">\n    <error message=\"" << xml_escape(e.message)
          << "\" type=\"runhub.gate\">" << xml_escape(e.message) << "</error>\n  </testcase>\n";
    x << "</testsuite>\n";
    return x.str();
}

// Written beside the target and renamed over it, so a reader never sees half a file.
bool write_file(const std::string& path, const std::string& text, std::string& why) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            why = std::strerror(errno);
            return false;
        }
        out << text;
        out.flush();
        if (!out) {
            why = "write failed";
            return false;
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        why = std::strerror(errno);
        std::remove(tmp.c_str());
        return false;
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// The gate

struct settings {
    std::string base_url;  // without a trailing '/'
    std::string api_key;
    std::string source;
    json::object target;
    std::string run_id;
    std::string idempotency_key;  // empty: none sent (--idempotency-key "")
    ms timeout{30 * 60'000};
    ms poll{2'000};
    ms retry_for{2 * 60'000};
    std::string junit;
    long long max_failures = -1;
    long long min_tests = -1;
    bool cancel_on_timeout = false;
    std::string ca_file;
};

void progress(const std::string& line) { std::cout << utc_now() << " " << line << std::endl; }
void complain(const std::string& line) { std::cerr << "runhub gate: " << line << std::endl; }

constexpr ms long_poll_max{30'000};     // ?wait= of each look at the run
constexpr ms exchange_slack{15'000};    // beyond the wait, for runhub and the vendor
constexpr ms backoff_first{250};        // after the first failure in a row
constexpr ms backoff_cap{5'000};        // never waits longer between tries
constexpr ms after_end_budget{30'000};  // reading the failures / cancelling after the wait

// One request of the gate, as call() tries it.
struct exchange {
    std::string method = "GET";
    std::string path;
    std::string body;
    std::string what;  // for messages: "reading run zof:r1"
    gclock::time_point until;
    ms per_try{15'000};
    bool retry_404 = false;
    bool idempotent_trigger = false;  // POST /v1/runs: carries the Idempotency-Key
};

class gate {
  public:
    gate(http::client& client, settings s) : client_(client), s_(std::move(s)), rng_(seed()) {}

    asio::awaitable<int> run();

  private:
    enum class verdict { answered, refused, retry };

    static std::uint32_t seed() {
        std::random_device rd;
        return rd();
    }

    http::client_request request(std::string method, std::string path, std::string body = "") {
        http::client_request req;
        req.method = std::move(method);
        req.url = s_.base_url + path;
        req.headers.add("Authorization", "Bearer " + s_.api_key);
        req.headers.add("Accept", "application/json");
        if (!body.empty()) {
            req.headers.add("Content-Type", "application/json");
            req.body = std::move(body);
        }
        return req;
    }

    // 2xx answers; 401/403, the caller's mistakes and 501 (the vendor cannot do it) are
    // refused; runhub's or the vendor's failures (no answer, 408, 429, other 5xx) are tried
    // again, as is 404 when `retry_404`.
    static verdict classify(const http::client_result& r, bool retry_404) {
        if (!r.response) return verdict::retry;
        const int st = r.response->status;
        if (st >= 200 && st < 300) return verdict::answered;
        if (st == 408 || st == 429 || (st >= 500 && st != 501)) return verdict::retry;
        if (st == 404 && retry_404) return verdict::retry;
        return verdict::refused;
    }

    // The wait before the next try: exponential with jitter, or runhub's Retry-After.
    ms backoff(const http::client_result& r) {
        if (r.response)
            if (auto hint = http::wait_hint(*r.response, std::chrono::system_clock::now()))
                return std::clamp(*hint, ms(100), ms(30'000));
        const int shift = std::min(failures_in_row_, 5);
        const auto ceiling = std::min<ms>(backoff_cap, backoff_first * (1 << shift));
        std::uniform_int_distribution<long long> d(ceiling.count() / 2, ceiling.count());
        return ms(d(rng_));
    }

    void note_failure(const http::client_result& r, const std::string& what) {
        ++failures_in_row_;
        last_problem_ = what + ": " + describe(r);
        if (!down_since_) {
            down_since_ = gclock::now();
            complain(last_problem_ + "; trying again");
        }
    }

    void note_answer() {
        failures_in_row_ = 0;
        if (down_since_) {
            progress("runhub answers again after " +
                     format_duration(std::chrono::duration_cast<ms>(gclock::now() - *down_since_)));
            down_since_.reset();
        }
    }

    asio::awaitable<void> sleep_until(gclock::time_point t) {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        timer.expires_at(t);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }

    // One exchange, tried again after failures (see classify) until `x.until`; each try gets at
    // most `x.per_try`. The last result; `how` tells how it ended.
    asio::awaitable<http::client_result> call(const exchange& x, verdict& how) {
        http::client_result r;
        http::client_request req;
        gclock::time_point try_deadline;
        gclock::time_point next;
        for (;;) {
            req = request(x.method, x.path, x.body);
            if (x.idempotent_trigger && !s_.idempotency_key.empty())
                req.headers.add("Idempotency-Key", s_.idempotency_key);
            try_deadline = std::min(x.until, gclock::now() + x.per_try);
            r = co_await client_.send(req, try_deadline);
            how = classify(r, x.retry_404);
            if (how != verdict::retry) {
                note_answer();
                co_return r;
            }
            if (gclock::now() >= x.until) {
                // A try cut by the end of our own time is no sign that runhub is down.
                if (r.response || r.error != http::upstream_error_kind::timeout ||
                    try_deadline != x.until)
                    note_failure(r, x.what);
                co_return r;
            }
            note_failure(r, x.what);
            next = std::min(x.until, gclock::now() + backoff(r));
            co_await sleep_until(next);
            if (gclock::now() >= x.until) co_return r;
        }
    }

    asio::awaitable<int> start(run_view& run, gclock::time_point deadline);
    asio::awaitable<int> finish(const run_view& run);
    asio::awaitable<int> timed_out(const run_view& run);
    int give_up_unanswered(bool budget_spent);
    void write_junit(const run_view& run, const std::vector<failure_view>& failures,
                     const std::vector<synthetic_error>& errors);

    http::client& client_;
    settings s_;
    std::minstd_rand rng_;
    int failures_in_row_ = 0;
    std::optional<gclock::time_point> down_since_;
    std::string last_problem_;
    gclock::time_point started_at_ = gclock::now();
};

int gate::give_up_unanswered(bool budget_spent) {
    if (down_since_ || budget_spent) {
        complain("runhub did not answer" +
                 (down_since_ ? " for " + format_duration(std::chrono::duration_cast<ms>(
                                              gclock::now() - *down_since_))
                              : std::string()) +
                 (last_problem_.empty() ? "" : " (" + last_problem_ + ")") + ": giving up");
        return gate_unreachable;
    }
    complain("timed out after " + format_duration(s_.timeout) + " before runhub answered");
    return gate_timed_out;
}

void gate::write_junit(const run_view& run, const std::vector<failure_view>& failures,
                       const std::vector<synthetic_error>& errors) {
    if (s_.junit.empty()) return;
    std::string why;
    if (write_file(s_.junit, junit_xml(run, failures, errors), why))
        progress("JUnit XML written to " + s_.junit);
    else
        complain("cannot write " + s_.junit + ": " + why);
}

// Starts the run (POST /v1/runs) or reads the one named by --run. 0 when `run` is filled.
asio::awaitable<int> gate::start(run_view& run, gclock::time_point deadline) {
    verdict how = verdict::retry;
    http::client_result r;
    std::optional<run_view> got;
    json::object payload;
    exchange x;
    std::string line;
    x.until = std::min(deadline, started_at_ + s_.retry_for);
    if (!s_.run_id.empty()) {
        x.path = "/v1/runs/" + encode(s_.run_id);
        x.what = "reading run " + s_.run_id;
    } else {
        payload["source"] = s_.source;
        payload["target"] = s_.target;
        x.method = "POST";
        x.path = "/v1/runs";
        x.body = json::serialize(payload);
        x.what = "starting a run on " + s_.source;
        x.per_try = 2 * exchange_slack;
        x.idempotent_trigger = true;
    }
    r = co_await call(x, how);
    if (how == verdict::retry) co_return give_up_unanswered(x.until < deadline);
    if (how == verdict::refused) {
        const int st = r.response->status;
        if (st == 401 || st == 403)
            complain("runhub refused the API key (" + describe(r) + ")");
        else if (st == 404 && !s_.run_id.empty())
            complain("no run " + s_.run_id + " (" + describe(r) + ")");
        else if (st == 501)
            complain("source " + s_.source + " cannot start runs (" + describe(r) + ")");
        else
            complain("runhub refused the request (" + describe(r) + ")");
        co_return gate_usage;
    }
    got = run_of(r.response->body);
    if (!got) {
        complain("runhub answered something that is not a run: " + r.response->body.substr(0, 200));
        co_return gate_unreachable;
    }
    run = std::move(*got);
    if (s_.run_id.empty()) {
        const bool replayed = r.response->headers.get("Idempotent-Replayed").value_or("") == "true";
        line = (replayed ? "resumed " : "started ") + run.id + " on " + s_.source;
        if (!s_.idempotency_key.empty())
            line += " (Idempotency-Key " + s_.idempotency_key + (replayed ? ", replayed)" : ")");
    } else {
        line = "watching " + run.id;
    }
    if (!run.web_url.empty()) line += " " + run.web_url;
    progress(line);
    co_return 0;
}

asio::awaitable<int> gate::run() {
    const auto deadline = started_at_ + s_.timeout;
    run_view run;
    std::optional<run_view> got;
    std::string known;
    std::string path;
    http::client_request req;
    http::client_result r;
    verdict how = verdict::retry;
    gclock::time_point asked_at;
    gclock::time_point try_deadline;
    gclock::time_point next;
    long long wait_s = 0;

    const int begun = co_await start(run, deadline);
    if (begun != 0) co_return begun;
    known = run.status;
    progress(run.id + " " + run.status + counts_text(run));

    // Long-polls: runhub answers when the status differs from the one we know, when the run
    // ends, or when the wait is over. An answer that comes back at once with nothing new (a
    // runhub without ?wait=) is followed by a pause of --poll, so runhub is never hammered.
    while (!run.terminal) {
        asked_at = gclock::now();
        if (asked_at >= deadline) break;
        wait_s =
            std::chrono::duration_cast<std::chrono::seconds>(deadline - asked_at + 999ms).count();
        wait_s = std::clamp<long long>(wait_s, 1, long_poll_max.count() / 1000);
        path = "/v1/runs/" + encode(run.id) + "?wait=" + std::to_string(wait_s) +
               "s&status=" + encode(known);
        req = request("GET", path);
        try_deadline = std::min(deadline, asked_at + std::chrono::seconds(wait_s) + exchange_slack);
        r = co_await client_.send(req, try_deadline);
        how = classify(r, true);
        if (how == verdict::answered) {
            got = run_of(r.response->body);
            if (got) {
                note_answer();
                run = std::move(*got);
                if (run.status != known) {
                    known = run.status;
                    progress(run.id + " " + run.status + counts_text(run));
                }
                if (run.terminal) break;
                next = std::min(deadline, asked_at + s_.poll);
                if (gclock::now() < next) co_await sleep_until(next);
                continue;
            }
            how = verdict::retry;
        }
        if (how == verdict::refused) {
            const int st = r.response->status;
            complain(st == 401 || st == 403
                         ? "runhub refused the API key while waiting (" + describe(r) + ")"
                         : "runhub refused to show " + run.id + " (" + describe(r) + ")");
            co_return gate_usage;
        }
        // No answer, a 5xx, or a run runhub cannot find (yet): runhub restarting, the vendor
        // failing. Tried again with backoff until the timeout.
        if (gclock::now() >= deadline && !r.response &&
            r.error == http::upstream_error_kind::timeout && try_deadline == deadline)
            break;  // our own time ran out during a long-poll
        note_failure(r, "waiting for " + run.id);
        next = std::min(deadline, gclock::now() + backoff(r));
        co_await sleep_until(next);
    }
    if (!run.terminal) co_return co_await timed_out(run);
    co_return co_await finish(run);
}

asio::awaitable<int> gate::timed_out(const run_view& run) {
    const bool unreachable = down_since_.has_value();
    const std::string problem = last_problem_;
    verdict how = verdict::retry;
    http::client_result r;
    std::optional<run_view> got;
    std::vector<synthetic_error> errors;
    std::string note;
    exchange x;
    if (s_.cancel_on_timeout) {
        x.method = "POST";
        x.path = "/v1/runs/" + encode(run.id) + "/cancel";
        x.what = "canceling " + run.id;
        x.until = gclock::now() + after_end_budget;
        r = co_await call(x, how);
        if (how == verdict::answered && (got = run_of(r.response->body)))
            progress(got->id + " " + got->status + counts_text(*got) +
                     " (canceled by --cancel-on-timeout)");
        else if (how == verdict::refused && r.response->status == 409)
            progress(run.id + " had already ended; not canceled");
        else
            complain("could not cancel " + run.id + " (" + describe(r) + ")");
    }
    if (unreachable) {
        note = "runhub did not answer (" + problem + ") when the timeout of " +
               format_duration(s_.timeout) + " passed; " + run.id + " was last seen " + run.status;
    } else {
        note =
            "timed out after " + format_duration(s_.timeout) + "; " + run.id + " is " + run.status;
    }
    if (!s_.cancel_on_timeout) note += " and left running (--cancel-on-timeout cancels it)";
    complain(note);
    errors.push_back({"runhub gate", note});
    write_junit(run, {}, errors);
    co_return unreachable ? gate_unreachable : gate_timed_out;
}

asio::awaitable<int> gate::finish(const run_view& run) {
    std::vector<failure_view> failures;
    std::optional<std::vector<failure_view>> parsed;
    bool failures_known = false;
    std::vector<synthetic_error> errors;
    verdict how = verdict::retry;
    http::client_result r;
    int code = gate_failed;
    std::string why;
    exchange x;

    if (!s_.junit.empty() || s_.max_failures >= 0 || run.status != "passed") {
        x.path = "/v1/runs/" + encode(run.id) + "/failures";
        x.what = "reading the failures of " + run.id;
        x.until = gclock::now() + after_end_budget;
        r = co_await call(x, how);
        if (how == verdict::answered && (parsed = failures_of(r.response->body))) {
            failures = std::move(*parsed);
            failures_known = true;
        } else if (how == verdict::refused && r.response->status == 501) {
            progress("the vendor of " + run.id + " does not list failures");
        } else {
            complain("could not read the failures of " + run.id + " (" + describe(r) + ")");
        }
    }
    const std::size_t shown = std::min<std::size_t>(failures.size(), 20);
    for (std::size_t i = 0; i < shown; ++i)
        std::cout << "  FAILED " << failures[i].name
                  << (failures[i].message.empty() ? "" : ": " + failures[i].message) << "\n";
    if (failures.size() > shown) std::cout << "  … and " << failures.size() - shown << " more\n";
    std::cout.flush();

    if (run.status == "passed")
        code = gate_passed;
    else if (run.status == "canceled")
        code = gate_canceled;
    else
        code = gate_failed;  // failed, error, stale, or a status this gate does not know

    // --max-failures N: up to N failed tests are tolerated, in a passed run and in a failed
    // one (never in an errored one); more than N fail the gate.
    if (s_.max_failures >= 0 && (run.status == "passed" || run.status == "failed")) {
        const long long counted = run.counts ? run.counts->failed : 0;
        const long long n = std::max(counted, static_cast<long long>(failures.size()));
        const bool known = run.counts.has_value() || failures_known;
        if (n > s_.max_failures) {
            why = "--max-failures " + std::to_string(s_.max_failures) + ": " + std::to_string(n) +
                  " tests failed";
            code = gate_failed;
        } else if (run.status == "failed" && known && n >= 1) {
            progress(std::to_string(n) + " failed test(s) tolerated by --max-failures " +
                     std::to_string(s_.max_failures));
            code = gate_passed;
        }
    }
    // --min-tests N: fewer than N tests (or an unknown number) fail a run that would pass.
    if (code == gate_passed && s_.min_tests >= 0) {
        if (!run.counts)
            why = "--min-tests " + std::to_string(s_.min_tests) +
                  ": the vendor did not say how many tests ran";
        else if (run.counts->total < s_.min_tests)
            why = "--min-tests " + std::to_string(s_.min_tests) + ": only " +
                  std::to_string(run.counts->total) + " tests ran";
        if (!why.empty()) code = gate_failed;
    }
    if (!why.empty()) {
        complain("gate tripped: " + why);
        errors.push_back({"runhub gate", "gate tripped: " + why});
    }
    if (failures.empty() && run.status != "passed" && errors.empty())
        errors.push_back({"runhub gate", run.id + " ended " + run.status});
    write_junit(run, failures, errors);
    progress(run.id + " " + run.status + counts_text(run) +
             (run.duration_ms ? " in " + format_duration(ms(*run.duration_ms)) : "") + ": exit " +
             std::to_string(code));
    co_return code;
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

// Turns the flags into settings; the problems, one per line (empty when all is well).
std::vector<std::string> to_settings(const gate_flags& f, settings& s) {
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
        auto v = json::parse(f.target, ec);
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

}  // namespace

void add_gate_options(CLI::App& cmd, gate_flags& f) {
    cmd.add_option("--url", f.url, "The runhub facade: http(s)://HOST[:PORT][/PREFIX]");
    cmd.add_option("--source", f.source, "Start a run on this source (with --target)");
    cmd.add_option("--target", f.target,
                   "The vendor's target as a JSON object, e.g. "
                   "'{\"project_id\": \"prj_1\", \"environment\": \"staging\", "
                   "\"test_suite_id\": \"ts_1\"}'");
    cmd.add_option("--run", f.run_id, "Watch this run (an id from runhub) instead of starting one");
    cmd.add_option("--api-key-file", f.api_key_file,
                   "Read the API key from this file (trailing newlines dropped); wins over "
                   "RUNHUB_API_KEY");
    cmd.add_option("--idempotency-key", f.idempotency_key,
                   "Idempotency-Key of the trigger (default: from the CI job's id, see README; "
                   "\"\" sends none)");
    cmd.add_option("--timeout", f.timeout, "Give up waiting after this long (default 30m)");
    cmd.add_option("--junit", f.junit, "Write the run's failures here as JUnit XML");
    cmd.add_option("--max-failures", f.max_failures,
                   "Tolerate up to N failed tests; more fail the gate");
    cmd.add_option("--min-tests", f.min_tests, "Fail unless at least N tests ran");
    cmd.add_flag("--cancel-on-timeout", f.cancel_on_timeout,
                 "Cancel the run when --timeout passes (default: leave it running)");
    cmd.add_option("--poll", f.poll,
                   "Look at the run at most this often (default 2s; runhub long-polls between)");
    cmd.add_option("--retry-for", f.retry_for,
                   "How long runhub may stay unreachable before the run is started (default "
                   "2m, at most --timeout); once started, the gate retries until --timeout");
    cmd.add_option("--ca-file", f.ca_file, "PEM bundle to trust for an https --url");
}

int run_gate(gate_flags flags) {
    settings s;
    auto problems = to_settings(flags, s);
    for (const auto& p : problems) complain(p);
    if (!problems.empty()) return gate_usage;

    asio::io_context io(1);
    http::client_options opts;
    opts.ca_file = s.ca_file;
    opts.max_connections_per_origin = 2;
    opts.user_agent = std::string("runhub-gate/") + RUNHUB_VERSION;
    std::unique_ptr<http::client> client;
    try {
        client = std::make_unique<http::client>(io.get_executor(), opts);
    } catch (const std::exception& e) {
        complain(std::string("--ca-file: ") + e.what());
        return gate_usage;
    }
    gate g(*client, std::move(s));
    int code = gate_unreachable;
    asio::co_spawn(io, g.run(), [&](std::exception_ptr e, int c) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                complain(std::string("internal error: ") + ex.what());
            }
        } else {
            code = c;
        }
        io.stop();  // pooled connections may still hold timers
    });
    io.run();
    return code;
}

}  // namespace runhub::service
