// The write path through `runhub serve --sandbox`: POST /v1/runs on each vendor that can start
// runs, validation that names the field, Idempotency-Key (replay, conflict, 100 concurrent
// triggers with one key starting one vendor run), and cancel.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/sandboxed_facade.hpp"

using namespace runhub;
using namespace std::chrono_literals;

namespace {

constexpr const char* write_key = "write-api-test-key";

struct facade : test::sandboxed_facade {
    facade()
        : test::sandboxed_facade(write_key, {}, {},
                                 std::string("{") + test::no_cache_settings + "}") {}

    test::http_reply post(test::http_client& c, const std::string& target, const std::string& body,
                          const std::string& idempotency_key = "",
                          const std::string& key = write_key) {
        std::vector<std::pair<std::string, std::string>> h{{"Authorization", "Bearer " + key},
                                                           {"Content-Type", "application/json"}};
        if (!idempotency_key.empty()) h.emplace_back("Idempotency-Key", idempotency_key);
        return c.request("POST", target, h, body, 30s);
    }
    std::string scope_of(const std::string& vendor, const std::string& name) {
        auto info = boost::json::parse(
            test::sandbox_request(ca_file(), "GET", vendor_base(vendor) + "/_sandbox/info").body);
        const auto& v = info.at("scope").at(name);
        return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
    }
    std::uint64_t vendor_calls(const std::string& vendor, const std::string& route) {
        auto stats = boost::json::parse(
            test::sandbox_request(ca_file(), "GET", vendor_base(vendor) + "/_sandbox/stats").body);
        const auto* n = stats.at("by_route").as_object().if_contains(route);
        return n ? n->to_number<std::uint64_t>() : 0;
    }
};

std::string zof_target(facade& f) {
    return R"({"project_id":")" + f.scope_of("zof", "project_id") +
           R"(","environment":"staging","test_case_ids":["tc_a"]})";
}

std::string field_of(const test::http_reply& r) {
    auto v = boost::json::parse(r.body);
    const auto* d = v.at("error").as_object().if_contains("details");
    return d ? std::string(d->at("field").as_string()) : "";
}

}  // namespace

TEST(WriteApi, TriggerOnZofAnswers201WithLocationAndTheRunIsReadable) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    auto r = f.post(c, "/v1/runs", R"({"source":"zof","target":)" + zof_target(f) + "}");
    ASSERT_EQ(r.status, 201) << r.body;
    auto run = boost::json::parse(r.body);
    std::string id(run.at("id").as_string());
    EXPECT_EQ(id.rfind("zof:", 0), 0u);
    EXPECT_EQ(r.header("location"), "/v1/runs/" + id);
    EXPECT_EQ(f.get_json(c, r.header("location"), 200).at("id"), run.at("id"));
    auto page = f.get_json(c, "/v1/runs?limit=5&source=zof", 200);
    EXPECT_EQ(page.at("data").at(0).at("id"), run.at("id"));  // the newest
}

// Issue 6, point 8: a run started on each vendor that can is then seen by GET and in the list;
// Buildkite Test Engine cannot start runs (501, saying so).
TEST(WriteApi, TriggerOnEachVendorThatCanThenSeeTheRunInGetAndList) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    const std::map<std::string, std::string> targets = {
        {"sofy", R"({"schedule_guid":")" + f.scope_of("sofy", "schedule_guid") +
                     R"(","app_hash":")" + f.scope_of("sofy", "app_hash") + R"("})"},
        {"testerarmy", R"({"prompt":"log in and open the dashboard"})"},
        {"testmo", R"({"name":"nightly from the facade test"})"},
        {"zof", zof_target(f)},
    };
    for (const auto& [source, target] : targets) {
        auto r = f.post(c, "/v1/runs", R"({"source":")" + source + R"(","target":)" + target + "}");
        ASSERT_TRUE(r.status == 201 || r.status == 202) << source << ": " << r.body;
        std::string id(boost::json::parse(r.body).at("id").as_string());
        EXPECT_EQ(id.rfind(source + ":", 0), 0u) << id;
        EXPECT_EQ(r.header("location"), "/v1/runs/" + id);
        EXPECT_EQ(f.get_json(c, r.header("location"), 200).at("id").as_string(), id) << source;
        auto page = f.get_json(c, "/v1/runs?limit=50&source=" + source, 200);
        bool listed = false;
        for (const auto& run : page.at("data").as_array())
            listed = listed || run.at("id").as_string() == id;
        EXPECT_TRUE(listed) << source << " did not list " << id;
    }
    auto bk = f.post(c, "/v1/runs", R"({"source":"buildkite","target":{}})");
    EXPECT_EQ(bk.status, 501) << bk.body;
    EXPECT_NE(bk.body.find("cannot start runs"), std::string::npos) << bk.body;
}

TEST(WriteApi, BadRequestsNameTheField) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    struct bad {
        std::string body;
        int status;
        std::string field;
    };
    for (const auto& b : std::vector<bad>{
             {"not json", 400, "body"},
             {R"({"target":{}})", 400, "source"},
             {R"({"source":"zof"})", 400, "target"},
             {R"({"source":"zof","target":[]})", 400, "target"},
             {R"({"source":"zof","target":{},"extra":1})", 400, "extra"},
             {R"({"source":"nosuch","target":{}})", 400, "source"},
             {R"({"source":"zof","target":{"test_case_ids":["a"]}})", 400, "target.environment"},
         }) {
        auto r = f.post(c, "/v1/runs", b.body);
        EXPECT_EQ(r.status, b.status) << b.body << " -> " << r.body;
        EXPECT_EQ(field_of(r), b.field) << b.body << " -> " << r.body;
    }
    // Buildkite Test Engine cannot start runs.
    auto bk = f.post(c, "/v1/runs", R"({"source":"buildkite","target":{}})");
    EXPECT_EQ(bk.status, 501) << bk.body;
    EXPECT_NE(bk.body.find("cannot start runs"), std::string::npos) << bk.body;
    // A key without runs:write may not.
    auto ro = c.request("POST", "/v1/runs", {{"Authorization", "Bearer nope-not-a-key"}},
                        R"({"source":"zof","target":{}})");
    EXPECT_EQ(ro.status, 401);
    auto bad_key = f.post(c, "/v1/runs", R"({"source":"zof","target":{}})", std::string(300, 'k'));
    EXPECT_EQ(bad_key.status, 400);
    EXPECT_EQ(field_of(bad_key), "Idempotency-Key");
}

TEST(WriteApi, OneIdempotencyKeyStartsOneRunForAHundredConcurrentTriggers) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    // Testmo keeps no idempotency of its own: what it sees is what runhub sent.
    const std::string route = "POST /api/v1/projects/{project_id}/automation/runs";
    const auto before = f.vendor_calls("testmo", route);
    test::set_faults(f, "testmo", R"({"latency_ms": 800})");
    const std::string body = R"({"source":"testmo","target":{"name":"nightly"}})";
    std::mutex mu;
    std::map<int, int> statuses;
    std::set<std::string> ids;
    int replayed = 0;
    std::vector<std::thread> callers;
    for (int i = 0; i < 100; ++i)
        callers.emplace_back([&] {
            test::http_client mine(f.port());
            auto r = f.post(mine, "/v1/runs", body, "nightly-2026-11-23");
            std::lock_guard lock(mu);
            ++statuses[r.status];
            if (r.status / 100 == 2)
                ids.insert(std::string(boost::json::parse(r.body).at("id").as_string()));
            replayed += r.header("idempotent-replayed") == "true";
        });
    for (auto& t : callers) t.join();
    EXPECT_EQ(f.vendor_calls("testmo", route) - before, 1u);
    EXPECT_EQ(ids.size(), 1u);
    EXPECT_EQ(statuses.size(), 1u) << "every caller gets the first answer's status";
    EXPECT_EQ(replayed, 99);
    test::set_faults(f, "testmo", "{}");
    test::http_client c(f.port());
    // Later: replayed again; another body with the same key is refused.
    auto again = f.post(c, "/v1/runs", body, "nightly-2026-11-23");
    EXPECT_EQ(again.header("idempotent-replayed"), "true");
    EXPECT_EQ(std::string(boost::json::parse(again.body).at("id").as_string()), *ids.begin());
    auto other = f.post(c, "/v1/runs", R"({"source":"testmo","target":{"name":"other"}})",
                        "nightly-2026-11-23");
    EXPECT_EQ(other.status, 422) << other.body;
    // The same body with members in another order is the same body.
    auto reordered = f.post(c, "/v1/runs", R"({"target":{"name":"nightly"},"source":"testmo"})",
                            "nightly-2026-11-23");
    EXPECT_EQ(reordered.header("idempotent-replayed"), "true");
    EXPECT_EQ(f.vendor_calls("testmo", route) - before, 1u);
}

TEST(WriteApi, CancelARunningRunThen409WhenTerminal) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    auto started = f.post(c, "/v1/runs", R"({"source":"zof","target":)" + zof_target(f) + "}");
    ASSERT_EQ(started.status, 201) << started.body;
    std::string id(boost::json::parse(started.body).at("id").as_string());
    auto canceled = f.post(c, "/v1/runs/" + id + "/cancel", "");
    EXPECT_EQ(canceled.status, 200) << canceled.body;
    EXPECT_EQ(f.get_json(c, "/v1/runs/" + id, 200).at("status"), "canceled");
    auto again = f.post(c, "/v1/runs/" + id + "/cancel", "");
    EXPECT_EQ(again.status, 409) << again.body;
    EXPECT_EQ(f.post(c, "/v1/runs/zof:run_nosuch/cancel", "").status, 404);
    EXPECT_EQ(f.post(c, "/v1/runs/nosuch:1/cancel", "").status, 404);
    auto testmo = f.get_json(c, "/v1/runs?limit=1&source=testmo", 200).at("data").at(0).at("id");
    EXPECT_EQ(f.post(c, "/v1/runs/" + std::string(testmo.as_string()) + "/cancel", "").status, 501);
}
