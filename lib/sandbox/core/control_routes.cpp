#include "sandbox/core/control_routes.hpp"

#include <boost/json.hpp>

namespace runhub::sandbox {

namespace {

namespace json = boost::json;
using http::request;
using http::response;

response json_answer(int status, const json::value& v) {
    return response::json(status, json::serialize(v));
}

response info(port_state& port) {
    const auto& emu = port.vendor();
    json::object o;
    o["vendor"] = emu.vendor();
    o["base_url"] = port.base_url();
    o["auth"] = json::object{{"header", emu.auth_header()}, {"value", emu.auth_value()}};
    o["scope"] = emu.scope();
    return json_answer(200, o);
}

response set_faults(port_state& port, const request& req) {
    fault_config c;
    std::string body = req.body.empty() ? "{}" : req.body;
    if (auto err = parse_fault_config(body, c); !err.empty())
        return response::error(400, "invalid_faults", err, req.request_id);
    port.set_faults(c);
    return json_answer(200, to_json(c));
}

response clock_now(port_state& port) {
    return json_answer(200, json::object{{"now", rfc3339_ms(port.clock().now())}});
}

response advance_clock(port_state& port, const request& req) {
    boost::system::error_code ec;
    auto v = json::parse(req.body, ec);
    const json::object* o = ec ? nullptr : v.if_object();
    const json::value* n = o ? o->if_contains("advance_ms") : nullptr;
    std::int64_t ms = -1;
    if (n && n->is_int64()) ms = n->get_int64();
    if (n && n->is_uint64() && n->get_uint64() <= 1'000'000'000'000ull)
        ms = static_cast<std::int64_t>(n->get_uint64());
    if (!o || o->size() != 1 || ms < 0)
        return response::error(400, "invalid_clock",
                               "expected {\"advance_ms\": N} with N a whole number >= 0",
                               req.request_id);
    port.clock().advance(std::chrono::milliseconds(ms));
    return clock_now(port);
}

using sync_handler = std::function<response(port_state&, request&)>;

boost::asio::awaitable<response> ready(response r) { co_return r; }

// Control handlers never wait; this lifts them into the router's coroutine signature.
http::handler lift(std::shared_ptr<port_state> port, sync_handler f) {
    return
        [port = std::move(port), f = std::move(f)](request& req) { return ready(f(*port, req)); };
}

}  // namespace

void add_control_routes(http::router& r, std::shared_ptr<port_state> port) {
    r.add("GET", "/_sandbox/info", lift(port, [](port_state& p, request&) { return info(p); }));
    r.add("GET", "/_sandbox/stats", lift(port, [](port_state& p, request&) {
              return json_answer(200, p.stats().to_json());
          }));
    r.add("GET", "/_sandbox/faults", lift(port, [](port_state& p, request&) {
              return json_answer(200, to_json(p.faults()));
          }));
    r.add("POST", "/_sandbox/faults",
          lift(port, [](port_state& p, request& req) { return set_faults(p, req); }));
    r.add("POST", "/_sandbox/reset", lift(port, [](port_state& p, request&) {
              p.reset();
              return json_answer(200, json::object{{"reset", true}});
          }));
    r.add("GET", "/_sandbox/clock",
          lift(port, [](port_state& p, request&) { return clock_now(p); }));
    r.add("POST", "/_sandbox/clock",
          lift(port, [](port_state& p, request& req) { return advance_clock(p, req); }));
}

}  // namespace runhub::sandbox
