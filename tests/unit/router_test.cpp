#include "http/router.hpp"

#include <gtest/gtest.h>

using runhub::http::router;
using kind = router::match_result::kind;

namespace {
runhub::http::handler noop() {
    return [](runhub::http::request&) -> boost::asio::awaitable<runhub::http::response> {
        co_return runhub::http::response::json(200, "{}");
    };
}

router sample() {
    router r;
    r.add("GET", "/v1/runs", noop());
    r.add("POST", "/v1/runs", noop());
    r.add("GET", "/v1/runs/{id}", noop());
    r.add("GET", "/v1/runs/{id}/events", noop());
    r.add("POST", "/v1/runs/{id}/cancel", noop());
    r.add("GET", "/healthz", noop());
    return r;
}
}  // namespace

struct route_case {
    const char* method;
    const char* path;
    kind expected;
    const char* route;
    const char* id;     // expected {id} capture, or nullptr
    const char* allow;  // expected Allow, or nullptr
};

class RouterTable : public ::testing::TestWithParam<route_case> {};

TEST_P(RouterTable, Matches) {
    const auto& c = GetParam();
    auto r = sample();
    auto m = r.match(c.method, c.path);
    EXPECT_EQ(m.outcome, c.expected) << c.method << " " << c.path;
    if (c.route) EXPECT_EQ(m.route, c.route);
    if (c.id) {
        ASSERT_EQ(m.params.size(), 1u);
        EXPECT_EQ(m.params[0].first, "id");
        EXPECT_EQ(m.params[0].second, c.id);
    }
    if (c.allow) EXPECT_EQ(m.allow, c.allow);
    if (c.expected == kind::found) EXPECT_NE(m.target, nullptr);
}

INSTANTIATE_TEST_SUITE_P(
    Routes, RouterTable,
    ::testing::Values(
        route_case{"GET", "/v1/runs", kind::found, "/v1/runs", nullptr, nullptr},
        route_case{"POST", "/v1/runs", kind::found, "/v1/runs", nullptr, nullptr},
        route_case{"DELETE", "/v1/runs", kind::method_not_allowed, "/v1/runs", nullptr,
                   "GET, HEAD, POST"},
        route_case{"GET", "/v1/runs/zof:abc", kind::found, "/v1/runs/{id}", "zof:abc", nullptr},
        route_case{"GET", "/v1/runs/zof%3Aabc%20x", kind::found, "/v1/runs/{id}", "zof:abc x",
                   nullptr},
        route_case{"GET", "/v1/runs/a%2Fb", kind::not_found, nullptr, nullptr, nullptr},
        route_case{"GET", "/v1/runs/%zz", kind::not_found, nullptr, nullptr, nullptr},
        route_case{"GET", "/v1/runs/%4", kind::not_found, nullptr, nullptr, nullptr},
        route_case{"GET", "/v1/runs/", kind::not_found, nullptr, nullptr, nullptr},
        route_case{"GET", "/v1/runs/x/events", kind::found, "/v1/runs/{id}/events", "x", nullptr},
        route_case{"GET", "/v1/runs/x/cancel", kind::method_not_allowed, "/v1/runs/{id}/cancel",
                   nullptr, "POST"},
        route_case{"HEAD", "/healthz", kind::found, "/healthz", nullptr, nullptr},
        route_case{"PUT", "/healthz", kind::method_not_allowed, "/healthz", nullptr, "GET, HEAD"},
        route_case{"GET", "/nope", kind::not_found, nullptr, nullptr, nullptr},
        route_case{"GET", "", kind::not_found, nullptr, nullptr, nullptr},
        route_case{"GET", "healthz", kind::not_found, nullptr, nullptr, nullptr},
        route_case{"GET", "/healthz/", kind::not_found, nullptr, nullptr, nullptr},
        route_case{"GET", "//healthz", kind::not_found, nullptr, nullptr, nullptr}));

TEST(Router, RejectsMalformedAndDuplicatePatterns) {
    router r;
    EXPECT_THROW(r.add("GET", "no-slash", noop()), std::invalid_argument);
    EXPECT_THROW(r.add("GET", "/a/{id", noop()), std::invalid_argument);
    EXPECT_THROW(r.add("GET", "/a/x{id}", noop()), std::invalid_argument);
    r.add("GET", "/a/{id}", noop());
    EXPECT_THROW(r.add("GET", "/a/{id}", noop()), std::invalid_argument);
    EXPECT_NO_THROW(r.add("POST", "/a/{id}", noop()));
}

TEST(Router, DecodeSegment) {
    std::string out;
    EXPECT_TRUE(runhub::http::decode_segment("a%41b", out));
    EXPECT_EQ(out, "aAb");
    EXPECT_FALSE(runhub::http::decode_segment("%00", out));
    EXPECT_FALSE(runhub::http::decode_segment("%2f", out));
    EXPECT_FALSE(runhub::http::decode_segment("abc%", out));
    EXPECT_FALSE(runhub::http::decode_segment("abc%a", out));
}
