// Proofs of GET /v1/runs's promises at the facade, from the sandbox's own records of what it was
// asked (GET /_sandbox/stats: per-request start and end times, per-route counts):
//   * the five vendors' list requests of one page run at once, not one after the other;
//   * upstream pages are fetched lazily: for one facade page each source is asked for no more
//     pages than could hold runs of that page, plus one;
//   * a hanging vendor does not hold the answer past the request deadline.
// Each test fails when its property is broken (fan_out awaiting the calls one by one, the merge
// asking every source for more pages eagerly, fan_out waiting for a call past its deadline).
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/http_client.hpp"
#include "common/sandboxed_facade.hpp"
#include "http/client.hpp"

using namespace runhub;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> vendors = {"sofy", "testerarmy", "testmo", "buildkite", "zof"};
const std::string api_key = "test-proofs-key";

// Is `path` (without query) one of the vendor's documented list-runs routes?
bool is_list_path(const std::string& vendor, const std::string& path) {
    auto ends_with = [&](std::string_view suffix) {
        return path.size() >= suffix.size() &&
               path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (vendor == "sofy")
        return path == "/reports-microservice/schedule-report/fetch-scheduled-runs";
    if (vendor == "testerarmy") return path == "/api/v1/runs";
    if (vendor == "testmo")
        return path.rfind("/api/v1/projects/", 0) == 0 && ends_with("/automation/runs");
    if (vendor == "buildkite")
        return path.rfind("/v2/analytics/organizations/", 0) == 0 && ends_with("/runs");
    if (vendor == "zof") return path == "/v1/runs";
    return false;
}

// The route key of the list route in the stats' by_route.
std::string list_route(const std::string& vendor) {
    if (vendor == "sofy") return "GET /reports-microservice/schedule-report/fetch-scheduled-runs";
    if (vendor == "testerarmy") return "GET /api/v1/runs";
    if (vendor == "testmo") return "GET /api/v1/projects/{project_id}/automation/runs";
    if (vendor == "buildkite") return "GET /v2/analytics/organizations/{org}/suites/{suite}/runs";
    return "GET /v1/runs";  // zof
}

// The runs one vendor list request holds at most, for the page hint `limit` the facade passes
// (its connector's mapping of it onto the vendor's page size). Not Sofy, which pages by records.
int vendor_page_runs(const std::string& vendor, int limit) {
    if (vendor == "testmo") {
        for (int size : {15, 25, 50, 100})
            if (limit <= size) return size;
        return 100;
    }
    return std::min(limit, 100);
}

// Sofy pages by test-run records, 100 a request; a run is a group of them, and its
// counts.total is the group's number of records.
constexpr int sofy_page_records = 100;

struct stats_record {
    std::string path;
    int status = 0;
    std::int64_t start_ms = 0, end_ms = 0;
};

struct vendor_stats {
    std::map<std::string, std::uint64_t> by_route;
    std::vector<stats_record> recent;
};

// `runhub serve --sandbox` (the shared fixture) with the calls these proofs make to the
// sandbox's control routes over verified TLS.
struct facade {
    std::string config_path;
    test::sandboxed_facade server;
    std::string ca;
    std::map<std::string, std::string> base;  // vendor -> https://127.0.0.1:PORT

    static std::vector<std::string> args(const std::string& config_path) {
        if (config_path.empty()) return {};
        return {"--config", config_path};
    }
    // With no configuration: the cache off (these proofs are about what reaches the vendors).
    explicit facade(std::string config = "")
        : config_path(config.empty() ? test::write_temp_config(std::string("{") +
                                                               test::no_cache_settings + "}")
                                     : std::move(config)),
          server(api_key, args(config_path)) {
        if (server.port() == 0) return;
        ca = server.ca_file();
        for (const auto& v : vendors)
            if (auto b = server.vendor_base(v); !b.empty()) base[v] = b;
    }
    ~facade() {
        if (!config_path.empty()) std::filesystem::remove(config_path);
    }
    bool up() const { return server.port() != 0 && !ca.empty() && base.size() == vendors.size(); }
    std::string log() { return server.process().err(); }

    test::sandbox_reply control(const std::string& vendor, const std::string& method,
                                const std::string& path, const std::string& body = "") {
        return test::sandbox_request(ca, method, base.at(vendor) + path, body);
    }
    void reset_all() {
        for (const auto& v : vendors)
            ASSERT_EQ(control(v, "POST", "/_sandbox/reset").status, 200) << v;
    }
    void fault(const std::string& vendor, const std::string& json) {
        auto r = control(vendor, "POST", "/_sandbox/faults", json);
        ASSERT_EQ(r.status, 200) << vendor << " " << r.body;
    }
    vendor_stats stats(const std::string& vendor) {
        auto r = control(vendor, "GET", "/_sandbox/stats");
        EXPECT_EQ(r.status, 200) << vendor << " " << r.body;
        vendor_stats s;
        if (r.status != 200) return s;
        auto doc = boost::json::parse(r.body).as_object();
        for (const auto& [route, n] : doc.at("by_route").as_object())
            s.by_route[std::string(route)] = boost::json::value_to<std::uint64_t>(n);
        for (const auto& x : doc.at("recent").as_array()) {
            stats_record rec;
            rec.path = std::string(x.at("path").as_string());
            rec.status = static_cast<int>(x.at("status").to_number<std::int64_t>());
            rec.start_ms = x.at("start_ms").to_number<std::int64_t>();
            rec.end_ms = x.at("end_ms").to_number<std::int64_t>();
            s.recent.push_back(std::move(rec));
        }
        return s;
    }
    std::uint64_t list_count(const std::string& vendor) {
        auto s = stats(vendor);
        auto it = s.by_route.find(list_route(vendor));
        return it == s.by_route.end() ? 0 : it->second;
    }

    // GET with the API key; the reply, and how long it took.
    std::pair<test::http_reply, std::chrono::milliseconds> get(test::http_client& c,
                                                               const std::string& target) {
        auto t0 = std::chrono::steady_clock::now();
        auto r = c.request("GET", target, {{"Authorization", "Bearer " + api_key}}, "", 30s);
        auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - t0);
        return {std::move(r), took};
    }
};

std::string write_config(const std::string& json) {
    auto path =
        std::filesystem::temp_directory_path() /
        ("runhub-proofs-" + std::to_string(::getpid()) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + ".json");
    std::ofstream(path) << json;
    return path.string();
}

struct contribution {
    int runs = 0;
    std::int64_t records = 0;  // sum of counts.total (Sofy: the records its runs span)
};

std::map<std::string, contribution> by_source(const boost::json::value& body) {
    std::map<std::string, contribution> n;
    for (const auto& r : body.at("data").as_array()) {
        auto& c = n[std::string(r.at("source").as_string())];
        ++c.runs;
        if (r.at("counts").is_object())
            c.records += r.at("counts").at("total").to_number<std::int64_t>();
    }
    return n;
}

std::string source_status(const boost::json::value& body, const std::string& name) {
    for (const auto& s : body.at("sources").as_array())
        if (s.at("name").as_string() == name) return std::string(s.at("status").as_string());
    return "";
}

}  // namespace

// With 300 ms on every vendor, one page costs about one vendor round trip: the five list
// requests overlap (each one starts before any ends), and the answer is far from 5 x 300 ms.
TEST(ReadApiProofs, TheFiveVendorsAreAskedAtOnce) {
    facade f;
    ASSERT_TRUE(f.up()) << f.log();
    test::http_client c(f.server.port());
    // Warm up: TLS handshakes to every vendor, so that the timed page measures the fan-out.
    // Every measured query in these tests is one the facade has not answered before, so that
    // its run-state cache (list pages live 5 s) cannot answer it without asking the vendors.
    ASSERT_EQ(f.get(c, "/v1/runs?limit=11").first.status, 200);
    f.reset_all();
    for (const auto& v : vendors) f.fault(v, R"({"latency_ms": 300})");

    auto [reply, took] = f.get(c, "/v1/runs?limit=10");
    ASSERT_EQ(reply.status, 200) << reply.body;
    auto body = boost::json::parse(reply.body);
    for (const auto& v : vendors) EXPECT_EQ(source_status(body, v), "ok") << v;

    // The first list request of each vendor (the fan-out's first round).
    std::map<std::string, stats_record> first;
    for (const auto& v : vendors) {
        for (const auto& r : f.stats(v).recent) {
            if (!is_list_path(v, r.path)) continue;
            if (!first.count(v) || r.start_ms < first[v].start_ms) first[v] = r;
        }
        ASSERT_TRUE(first.count(v)) << v << " was not asked";
        EXPECT_GE(first[v].end_ms - first[v].start_ms, 300) << v << ": latency not injected";
    }
    std::int64_t last_start = 0, first_end = INT64_MAX;
    std::string report;
    for (const auto& [v, r] : first) {
        last_start = std::max(last_start, r.start_ms);
        first_end = std::min(first_end, r.end_ms);
        report += v + " " + std::to_string(r.start_ms) + ".." + std::to_string(r.end_ms) + "; ";
    }
    EXPECT_LT(last_start, first_end) << "the list requests did not overlap: " << report;
    // Sequential would be >= 1500 ms; concurrent is one round trip (a second one for a source
    // that needs another page) plus the facade's own work under the sanitizers.
    EXPECT_LT(took, 1000ms) << report;
}

// For one facade page each source gets no more list requests than the vendor pages that could
// hold runs of that page, plus one: ceil(runs it contributed / its page size) + 1, hence at most
// ceil(limit / page size) + 1; for a small and a big page, and for the next pages resumed from
// the cursor. Sofy pages by records: ceil(records of its runs / 100) + 1, and one more page on
// a resumed page, whose position may start in the middle of a vendor page.
TEST(ReadApiProofs, UpstreamPagesAreFetchedLazily) {
    facade f;
    ASSERT_TRUE(f.up()) << f.log();
    test::http_client c(f.server.port());
    for (int limit : {5, 60, 200}) {
        std::string cursor;
        for (int page = 0; page < 3; ++page) {
            f.reset_all();
            std::string target = "/v1/runs?limit=" + std::to_string(limit);
            if (!cursor.empty()) target += "&cursor=" + cursor;
            auto [reply, took] = f.get(c, target);
            ASSERT_EQ(reply.status, 200) << target << " " << reply.body;
            auto body = boost::json::parse(reply.body);
            ASSERT_EQ(body.at("data").as_array().size(), static_cast<std::size_t>(limit));
            auto contributed = by_source(body);
            for (const auto& v : vendors) {
                EXPECT_EQ(source_status(body, v), "ok") << v;
                const auto asked = static_cast<std::int64_t>(f.list_count(v));
                const auto& n = contributed[v];
                std::int64_t bound = 0;
                if (v == "sofy") {
                    bound = (n.records + sofy_page_records - 1) / sofy_page_records + 1 +
                            (page > 0 ? 1 : 0);
                } else {
                    const int ps = vendor_page_runs(v, limit);
                    bound = (n.runs + ps - 1) / ps + 1;
                    EXPECT_LE(bound, (limit + ps - 1) / ps + 1) << v;
                }
                EXPECT_LE(asked, bound)
                    << v << ": limit " << limit << ", page " << page + 1 << ", contributed "
                    << n.runs << " runs (" << n.records << " records)";
                // A resumed page's first upstream page may come from the cache.
                if (page == 0) {
                    EXPECT_GE(asked, 1) << v;
                }
            }
            ASSERT_TRUE(body.at("next_cursor").is_string());
            cursor = std::string(body.at("next_cursor").as_string());
        }
    }
}

// Sofy alone: its 53 runs (206 records, 3 vendor pages of 100) in one facade page cost no more
// than those 3 pages plus one. (With a fixed pageSize=100, a call resuming at a group deferred
// from the end of vendor page k read page k again for that group's head, then k+1: 5 requests.)
TEST(ReadApiProofs, SofyAloneIsAskedNoMorePagesThanHoldItsRunsPlusOne) {
    facade f;
    ASSERT_TRUE(f.up()) << f.log();
    test::http_client c(f.server.port());
    f.reset_all();
    auto [reply, took] = f.get(c, "/v1/runs?limit=200&source=sofy");
    ASSERT_EQ(reply.status, 200) << reply.body;
    auto n = by_source(boost::json::parse(reply.body))["sofy"];
    ASSERT_GT(n.records, sofy_page_records);
    const auto asked = static_cast<std::int64_t>(f.list_count("sofy"));
    EXPECT_LE(asked, (n.records + sofy_page_records - 1) / sofy_page_records + 1)
        << n.runs << " runs, " << n.records << " records";
}

// The request deadline (api.request_timeout_ms) bounds the answer: one hanging vendor makes the
// page partial with that source `timeout`; all five hanging is 504 upstream_timeout; both in
// time.
TEST(ReadApiProofs, AHangingVendorDoesNotHoldTheAnswerPastTheDeadline) {
    facade f(write_config(std::string(R"({"api": {"request_timeout_ms": 1500}, )") +
                          test::no_cache_settings + "}"));
    ASSERT_TRUE(f.up()) << f.log();
    test::http_client c(f.server.port());
    ASSERT_EQ(f.get(c, "/v1/runs?limit=11").first.status, 200);  // warm up (another query)

    f.fault("zof", R"({"hang_rate": 1})");
    auto [partial, took] = f.get(c, "/v1/runs?limit=10");
    ASSERT_EQ(partial.status, 200) << partial.body;
    auto body = boost::json::parse(partial.body);
    EXPECT_EQ(source_status(body, "zof"), "timeout") << partial.body;
    for (const auto& v : vendors) {
        if (v == "zof") continue;
        EXPECT_EQ(source_status(body, v), "ok") << v;
    }
    EXPECT_EQ(body.at("data").as_array().size(), 10u);
    EXPECT_GE(took, 1400ms);  // it did wait for zof, up to the deadline
    EXPECT_LT(took, 2500ms);
    EXPECT_GE(f.list_count("zof"), 1u);

    for (const auto& v : vendors) f.fault(v, R"({"hang_rate": 1})");
    auto [all, took_all] = f.get(c, "/v1/runs?limit=12");  // not the cached pages of limit=10
    ASSERT_EQ(all.status, 504) << all.body;
    EXPECT_EQ(boost::json::parse(all.body).at("error").at("code").as_string(), "upstream_timeout");
    EXPECT_LT(took_all, 2500ms);
    f.reset_all();  // no hanging connections left for the shutdown
}
