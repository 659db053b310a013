// Two `runhub serve --sandbox` processes sharing one redis-server (started here on a free
// loopback port, stopped by its PID): what the first fetched from its vendor, the second serves
// with no upstream call of its own (its own sandbox's request counts are the proof); then Redis
// is killed mid-test and neither facade fails a request, each logging the outage once.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <thread>

#include "common/sandboxed_facade.hpp"

using namespace runhub;
using namespace std::chrono_literals;

namespace {

constexpr const char* key_for_tests = "redis-cache-test-key";
constexpr const char* get_route = "GET /v1/runs/{id}";

std::uint16_t free_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

struct facade : test::sandboxed_facade {
    explicit facade(std::uint16_t redis_port)
        : test::sandboxed_facade(
              key_for_tests, {}, {},
              R"({"cache": {"backend": "redis", "redis_url": "redis://127.0.0.1:)" +
                  std::to_string(redis_port) + "\"}}") {}

    std::uint64_t zof_calls(const std::string& route) {
        auto r = test::sandbox_request(ca_file(), "GET", vendor_base("zof") + "/_sandbox/stats");
        auto stats = boost::json::parse(r.body);
        const auto* n = stats.at("by_route").as_object().if_contains(route);
        return n ? n->to_number<std::uint64_t>() : 0;
    }
    std::string metrics(test::http_client& c) { return c.request("GET", "/metrics").body; }
    test::http_reply get(test::http_client& c, const std::string& target) {
        return c.request("GET", target, {{"Authorization", std::string("Bearer ") + key_for_tests}},
                         "", 10s);
    }
    int count_in_log(const std::string& needle) {
        auto text = process().err();
        int n = 0;
        for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
            ++n;
        return n;
    }
};

TEST(RedisCache, TwoReplicasShareOneVendorCallAndOutliveRedis) {
    const auto port = free_port();
    test::child_process redis({"/usr/bin/redis-server", "--port", std::to_string(port), "--bind",
                               "127.0.0.1", "--save", "", "--appendonly", "no"});
    ASSERT_TRUE(redis.wait_for_output("Ready to accept connections", 10s)) << redis.out();

    facade a(port);
    facade b(port);
    ASSERT_NE(a.port(), 0) << a.process().err();
    ASSERT_NE(b.port(), 0) << b.process().err();
    ASSERT_TRUE(a.process().wait_for_output(
        "cache: redis 127.0.0.1:" + std::to_string(port) + "/0 connected", 10s))
        << a.process().err();
    ASSERT_TRUE(b.process().wait_for_output(
        "cache: redis 127.0.0.1:" + std::to_string(port) + "/0 connected", 10s))
        << b.process().err();
    test::http_client ca(a.port());
    test::http_client cb(b.port());

    // A terminal run, fetched by A from A's vendor.
    auto page = a.get_json(ca, "/v1/runs?limit=20&source=zof&status=passed", 200);
    ASSERT_FALSE(page.at("data").as_array().empty());
    const auto& run = page.at("data").at(0);
    const std::string id(run.at("id").as_string());
    const std::string native(run.at("native_id").as_string());
    const std::string target = "/v1/runs/" + id;
    const auto a_before = a.zof_calls(get_route);
    const auto b_before = b.zof_calls(get_route);
    auto from_a = a.get(ca, target);
    ASSERT_EQ(from_a.status, 200) << from_a.body;
    EXPECT_EQ(a.zof_calls(get_route) - a_before, 1u);

    // B answers it with no call to its vendor: A's call serves B through Redis.
    auto from_b = b.get(cb, target);
    ASSERT_EQ(from_b.status, 200) << from_b.body;
    EXPECT_EQ(from_b.body, from_a.body);
    EXPECT_EQ(from_b.header("etag"), from_a.header("etag"));
    EXPECT_EQ(from_a.header("cache-status"), "runhub; fwd=miss; stored");
    EXPECT_EQ(from_b.header("cache-status"), "runhub; hit");
    EXPECT_EQ(b.zof_calls(get_route) - b_before, 0u) << "B went to its own vendor";
    // And B's vendor knows the same run (same seed): the sharing is not of a run B lacks.
    auto direct = test::sandbox_request(
        b.ca_file(), "GET", b.vendor_base("zof") + "/v1/runs/" + native, "", b.vendor_auth("zof"));
    EXPECT_EQ(direct.status, 200) << direct.body;

    // Redis dies mid-test: both facades go on from memory (and their vendors), no request fails.
    auto other_page = b.get_json(cb, "/v1/runs?limit=20&source=zof&status=failed", 200);
    redis.signal(SIGKILL);
    redis.wait(5s);
    int answered = 0, failed = 0;
    const auto until = std::chrono::steady_clock::now() + 2s;
    while (std::chrono::steady_clock::now() < until) {
        for (auto* f : {&a, &b}) {
            auto& c = f == &a ? ca : cb;
            for (const std::string& t :
                 {target, std::string("/v1/runs?limit=20&source=zof&status=passed"),
                  std::string("/v1/runs?limit=5"),
                  "/v1/runs/" + std::string(other_page.at("data").at(0).at("id").as_string())}) {
                auto r = f->get(c, t);
                ++answered;
                if (r.status != 200) {
                    ++failed;
                    ADD_FAILURE() << t << " -> " << r.status << " " << r.body;
                }
            }
        }
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_GT(answered, 40);
    EXPECT_EQ(failed, 0);
    auto again = b.get(cb, target);
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(again.body, from_a.body);  // from B's memory, copied there from Redis

    for (auto* f : {&a, &b}) {
        auto& c = f == &a ? ca : cb;
        EXPECT_EQ(f->count_in_log("unavailable"), 1) << f->process().err();
        auto m = f->metrics(c);
        EXPECT_NE(m.find("\nrunhub_cache_redis_up 0"), std::string::npos) << m;
        auto at = m.find("\nrunhub_cache_redis_errors_total ");
        ASSERT_NE(at, std::string::npos) << m;
        EXPECT_GT(std::stoull(m.substr(at + 34)), 0u);
    }
}

}  // namespace
