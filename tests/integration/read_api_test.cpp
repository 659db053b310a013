// GET /v1/runs and friends through `runhub serve --sandbox`: five real connectors against the
// five emulators over verified TLS, merged by the aggregator. The cache is off here: these
// tests are about what reaches the vendors (tests/integration/cache_test.cpp is about the cache).
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <map>
#include <set>

#include "common/sandboxed_facade.hpp"

using namespace runhub;
using namespace std::chrono_literals;

namespace {

using facade = test::sandboxed_facade;
constexpr const char* api_key = "read-api-test-key";

std::pair<std::string, std::string> order_key(const boost::json::object& r) {
    return {r.at("created_at").is_null() ? "" : std::string(r.at("created_at").as_string()),
            std::string(r.at("id").as_string())};
}

}  // namespace

TEST(ReadApi, FullWalkIsMergedNewestFirstAndEachRunOnce) {
    facade f(api_key, {}, {}, std::string("{") + test::no_cache_settings + "}");
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    auto all = f.walk(c, "limit=137");
    std::set<std::string> ids;
    std::map<std::string, int> by_source;
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_TRUE(ids.insert(std::string(all[i].at("id").as_string())).second)
            << "repeated " << all[i].at("id");
        ++by_source[std::string(all[i].at("source").as_string())];
        if (i > 0) EXPECT_GE(order_key(all[i - 1]), order_key(all[i])) << "order at " << i;
    }
    EXPECT_EQ(by_source.size(), 5u);
    // The merge loses and repeats nothing: each source's own walk gives the same count.
    for (const auto& [source, n] : by_source)
        EXPECT_EQ(f.walk(c, "limit=200&source=" + source).size(), static_cast<std::size_t>(n))
            << source;
}

TEST(ReadApi, FiltersGetFailuresSourcesAndErrors) {
    facade f(api_key, {}, {}, std::string("{") + test::no_cache_settings + "}");
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    auto failed = f.walk(c, "limit=200&status=failed&source=zof,buildkite");
    ASSERT_FALSE(failed.empty());
    for (const auto& r : failed) {
        EXPECT_EQ(r.at("status").as_string(), "failed");
        auto src = r.at("source").as_string();
        EXPECT_TRUE(src == "zof" || src == "buildkite") << src;
    }
    std::string id(failed.front().at("id").as_string());
    auto one = f.get_json(c, "/v1/runs/" + id, 200);
    EXPECT_EQ(one.at("id").as_string(), id);
    EXPECT_FALSE(one.as_object().contains("raw"));
    EXPECT_TRUE(f.get_json(c, "/v1/runs/" + id + "?include=raw", 200).as_object().contains("raw"));
    EXPECT_TRUE(f.get_json(c, "/v1/runs/" + id + "/failures", 200).at("data").is_array());
    EXPECT_EQ(f.get_json(c, "/v1/sources", 200).at("data").as_array().size(), 5u);

    f.get_json(c, "/v1/runs/zof:run_does_not_exist", 404);
    f.get_json(c, "/v1/runs/nosuchsource:1", 404);
    f.get_json(c, "/v1/runs/garbage", 404);
    for (std::string bad :
         {"limit=0", "limit=500", "status=green", "since=yesterday", "source=nosuch", "bogus=1"}) {
        auto e = f.get_json(c, "/v1/runs?" + bad, 400);
        EXPECT_EQ(e.at("error").at("code").as_string(), "invalid_parameter") << bad;
    }
    // A cursor is bound to its query and signed: another query, a flipped byte, garbage -> 400.
    auto first = f.get_json(c, "/v1/runs?limit=5&source=zof", 200);
    std::string cursor(first.at("next_cursor").as_string());
    f.get_json(c, "/v1/runs?limit=5&source=zof&cursor=" + cursor, 200);
    f.get_json(c, "/v1/runs?limit=5&source=testmo&cursor=" + cursor, 400);
    std::string flipped = cursor;
    flipped[flipped.size() / 2] = flipped[flipped.size() / 2] == 'A' ? 'B' : 'A';
    f.get_json(c, "/v1/runs?limit=5&source=zof&cursor=" + flipped, 400);
    f.get_json(c, "/v1/runs?limit=5&source=zof&cursor=" + cursor.substr(0, 10), 400);
    f.get_json(c, "/v1/runs?cursor=%00%FF", 400);
}

TEST(ReadApi, AFailingVendorMakesThePagePartialStrictOrAllFailingIs502) {
    facade f(api_key, {}, {}, std::string("{") + test::no_cache_settings + "}");
    ASSERT_NE(f.port(), 0) << f.process().err();
    // Zof answers 500 to everything from now on.
    test::set_faults(f, "zof", R"({"error_rate":1})");
    test::http_client c(f.port());
    auto partial = f.get_json(c, "/v1/runs?limit=20", 200);
    EXPECT_EQ(partial.at("data").as_array().size(), 20u);
    bool zof_marked = false;
    for (const auto& s : partial.at("sources").as_array()) {
        if (s.at("name").as_string() == "zof") {
            zof_marked = s.at("status").as_string() == "error";
            EXPECT_EQ(s.at("error").at("kind").as_string(), "server");
        } else {
            EXPECT_NE(s.at("status").as_string(), "error");
        }
    }
    EXPECT_TRUE(zof_marked) << boost::json::serialize(partial);
    for (const auto& r : partial.at("data").as_array())
        EXPECT_NE(r.at("source").as_string(), "zof");
    EXPECT_EQ(f.get_json(c, "/v1/runs?limit=20&consistency=strict", 502).at("error").at("code"),
              "upstream_error");
    f.get_json(c, "/v1/runs?limit=20&source=zof", 502);
    f.get_json(c, "/v1/runs/zof:run_x", 502);
}

TEST(ReadApi, RunsStartedDuringAWalkAreNeitherRepeatedNorDoTheyShiftIt) {
    facade f(api_key, {}, {}, std::string("{") + test::no_cache_settings + "}");
    ASSERT_NE(f.port(), 0) << f.process().err();
    const std::string ca = f.ca_file(), base = f.vendor_base("zof"), auth = f.vendor_auth("zof");
    ASSERT_FALSE(ca.empty() || base.empty() || auth.empty()) << f.process().err();
    auto info = boost::json::parse(test::sandbox_request(ca, "GET", base + "/_sandbox/info").body);
    std::string project(info.at("scope").at("project_id").as_string());

    test::http_client c(f.port());
    const auto before = f.walk(c, "limit=200&source=zof");
    ASSERT_GT(before.size(), 60u);

    // Walk again in pages of 25; after the first page, five new runs start at the top.
    std::vector<boost::json::object> during;
    auto first = f.get_json(c, "/v1/runs?limit=25&source=zof", 200);
    for (const auto& r : first.at("data").as_array()) during.push_back(r.as_object());
    for (int i = 0; i < 5; ++i) {
        auto [status, body] =
            test::sandbox_request(ca, "POST", base + "/v1/runs",
                                  R"({"project_id":")" + project +
                                      R"(","environment":"staging","test_case_ids":["tc_a"]})",
                                  auth);
        ASSERT_EQ(status, 201) << body;
    }
    std::string cursor(first.at("next_cursor").as_string());
    for (int page = 0; page < 100 && !cursor.empty(); ++page) {
        auto body = f.get_json(c, "/v1/runs?limit=25&source=zof&cursor=" + cursor, 200);
        for (const auto& r : body.at("data").as_array()) during.push_back(r.as_object());
        cursor =
            body.at("next_cursor").is_null() ? "" : std::string(body.at("next_cursor").as_string());
    }
    // Exactly the runs that were there when the walk began, each once, in order.
    ASSERT_EQ(during.size(), before.size());
    for (std::size_t i = 0; i < during.size(); ++i)
        EXPECT_EQ(during[i].at("id"), before[i].at("id")) << "at " << i;
    // A new walk sees the new runs, on top.
    const auto after = f.walk(c, "limit=200&source=zof");
    EXPECT_EQ(after.size(), before.size() + 5);
    EXPECT_EQ(after[5].at("id"), before[0].at("id"));
}
