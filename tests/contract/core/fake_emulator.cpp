#include "fake_emulator.hpp"

#include <boost/json.hpp>

namespace runhub::test {

namespace {

// A body large enough that half of it is clearly less than all of it.
std::string runs_body() {
    boost::json::array runs;
    for (int i = 1; i <= 20; ++i)
        runs.push_back(boost::json::object{{"id", i}, {"name", "run number " + std::to_string(i)}});
    return boost::json::serialize(boost::json::object{{"runs", std::move(runs)}});
}

boost::asio::awaitable<http::response> answer(http::response r) { co_return r; }

http::response checked(const http::request& req, http::response ok) {
    auto key = req.headers.get("x-fake-key");
    if (!key || *key != "k1") return http::response::json(401, R"({"message":"bad key"})");
    return ok;
}

}  // namespace

void fake_emulator::add_routes(http::router& r) {
    r.add("GET", "/fake/runs", [](http::request& req) {
        auto res = http::response::json(200, runs_body());
        res.headers.set("X-Fake", "yes");
        return answer(checked(req, std::move(res)));
    });
    r.add("GET", "/fake/runs/{id}", [](http::request& req) {
        auto id = std::string(req.param("id"));
        return answer(checked(req, http::response::json(200, R"({"id":")" + id + R"("})")));
    });
    // A body of {n} bytes (a JSON string of 'x'), to cross TLS record and socket-buffer sizes.
    r.add("GET", "/fake/big/{n}", [](http::request& req) {
        auto n = static_cast<std::size_t>(std::stoul(std::string(req.param("n"))));
        std::string body = "\"" + std::string(n < 2 ? 0 : n - 2, 'x') + "\"";
        return answer(http::response::json(200, std::move(body)));
    });
    r.add("POST", "/fake/runs", [](http::request& req) {
        return answer(checked(req, http::response::json(201, R"({"created":true})")));
    });
}

boost::json::object fake_emulator::scope() const { return {{"project_id", "p1"}}; }

http::response fake_emulator::rate_limited(const sandbox::rate_limit_state& s) const {
    auto res = http::response::json(429, R"({"message":"slow down"})");
    res.headers.set("X-Limit", std::to_string(s.limit_per_min));
    res.headers.set("X-Remaining", std::to_string(s.remaining));
    res.headers.set("X-Reset-In", std::to_string(s.reset_in.count()));
    res.headers.set("X-Reset-Unix", std::to_string(s.reset_unix));
    return res;
}

http::response fake_emulator::server_error() const {
    return http::response::json(503, R"({"message":"fake is down"})");
}

std::unique_ptr<sandbox::emulator> make_fake_emulator(const sandbox::emulator_options& o) {
    return std::make_unique<fake_emulator>(o);
}

}  // namespace runhub::test
