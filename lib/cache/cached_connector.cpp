#include "cache/cached_connector.hpp"

#include <atomic>
#include <boost/json.hpp>

#include "model/json_text.hpp"

namespace runhub::cache {

namespace asio = boost::asio;
using connectors::connector_error;
using connectors::outcome;

namespace {

connector_error unreadable(std::string what) {
    connector_error e;
    e.kind = http::upstream_error_kind::malformed;
    e.detail = "cache: unreadable " + std::move(what);
    return e;
}

connectors::cache_note note_of(const lookup& l) {
    connectors::cache_note n;
    n.age = l.age;
    if (l.value && l.status != lookup_status::stale) n.fresh_until = l.value->fresh_until;
    switch (l.status) {
        case lookup_status::hit:
            n.how = connectors::cache_note::kind::hit;
            break;
        case lookup_status::miss:
            n.how = connectors::cache_note::kind::miss;
            break;
        case lookup_status::stale:
            n.how = connectors::cache_note::kind::stale;
            n.stale_because = l.error;
            break;
        case lookup_status::failed:
            break;
    }
    return n;
}

// Each fetch is a plain coroutine taking its arguments by value (they live in its frame).
asio::awaitable<fetch_outcome> fetch_page(std::shared_ptr<connectors::connector> inner,
                                          connectors::list_query q, std::string position, int limit,
                                          connectors::clock::time_point deadline,
                                          milliseconds ttl) {
    auto got = co_await inner->list(std::move(q), std::move(position), limit, deadline);
    if (!got.ok()) co_return fetch_outcome::failure(std::move(got.error));
    fill f;
    f.value = page_to_bytes(*got.value);
    f.ttl = ttl;
    // No answer sends a source's page as it is stored (a list answer is tagged by its merged
    // body): its SHA-256 would be wasted on every page fetched.
    f.tagged = false;
    // Not const: the only caller waiting on this fetch moves the page out (answer).
    f.decoded = std::make_shared<connectors::run_page>(std::move(*got.value));
    co_return fetch_outcome::success(std::move(f));
}

asio::awaitable<fetch_outcome> fetch_run(std::shared_ptr<connectors::connector> inner,
                                         std::shared_ptr<cache> c, std::string native_id,
                                         connectors::clock::time_point deadline) {
    auto got = co_await inner->get(std::move(native_id), deadline);
    if (!got.ok()) co_return fetch_outcome::failure(std::move(got.error));
    fill f;
    f.ttl = c->policy().run_ttl(inner->source().name, *got.value);
    auto [without_raw, with_raw] = model::serialize_run_both(*got.value);
    f.value = std::move(with_raw);
    f.variant = std::move(without_raw);
    f.decoded = std::make_shared<model::run>(std::move(*got.value));  // not const: see answer
    co_return fetch_outcome::success(std::move(f));
}

asio::awaitable<fetch_outcome> fetch_failures(std::shared_ptr<connectors::connector> inner,
                                              std::shared_ptr<cache> c, std::string native_id,
                                              connectors::clock::time_point deadline) {
    auto got = co_await inner->failures(std::move(native_id), deadline);
    if (!got.ok()) co_return fetch_outcome::failure(std::move(got.error));
    // Failures change until their run ends; not knowing here whether it has, keep them as long
    // as an active run's state.
    auto ttl = c->policy().failures_ttl(inner->source().name, false);
    co_return fetch_outcome::success(
        fill{boost::json::serialize(boost::json::value_from(*got.value)), ttl});
}

// The lookup as an outcome: the failure, or the value: the fetch's own when this caller's
// flight kept it (moved out when no other caller shares it, else copied), else read back from
// the bytes by `parse`. A fetch's decoded value is made as a non-const T (see fetch_page).
template <class T, class Parse>
outcome<T> answer(lookup& l, Parse parse, const char* what) {
    if (!l.ok())  // the cache serves stale only for the vendor's own failures
        return outcome<T>::failure(l.error.value_or(unreadable(what)));
    std::optional<T> value;
    if (l.decoded && l.decoded.use_count() == 1) {  // ours alone: no other owner can appear
        // Orders the move after the last other owner's reads (its release of the count).
        std::atomic_thread_fence(std::memory_order_acquire);
        value = std::move(*const_cast<T*>(static_cast<const T*>(l.decoded.get())));
    } else if (l.decoded)
        value = *std::static_pointer_cast<const T>(l.decoded);
    else
        value = parse(l.value->value);
    l.decoded.reset();
    if (!value) return outcome<T>::failure(unreadable(what));
    auto o = outcome<T>::success(std::move(*value));
    o.cache = note_of(l);
    return o;
}

}  // namespace

std::string run_to_bytes(const model::run& r) { return model::serialize_run(r, true); }

std::optional<model::run> run_from_bytes(std::string_view bytes) {
    boost::system::error_code ec;
    auto v = boost::json::parse(bytes, ec);
    if (ec) return std::nullopt;
    return model::run_from_json(v);
}

std::string page_to_bytes(const connectors::run_page& p) {
    // {"runs":[<run>,...],"next":<string or null>}, each run as serialize_run writes it without
    // the vendor's raw object: a list never answers it (only a single run's ?include=raw does,
    // and that reads the run's own entry), so a page need not keep it.
    std::string out;
    out.reserve(64 + p.runs.size() * 640);
    out += "{\"runs\":[";
    for (std::size_t i = 0; i < p.runs.size(); ++i) {
        if (i) out += ',';
        model::append_run_json(out, p.runs[i], false);
    }
    out += "],\"next\":";
    if (p.next)
        model::json_text::append_string(out, *p.next);
    else
        out += "null";
    out += '}';
    return out;
}

std::optional<connectors::run_page> page_from_bytes(std::string_view bytes) {
    boost::system::error_code ec;
    auto v = boost::json::parse(bytes, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const auto& o = v.get_object();
    const auto* runs = o.if_contains("runs");
    const auto* next = o.if_contains("next");
    if (!runs || !runs->is_array() || !next || !(next->is_null() || next->is_string()))
        return std::nullopt;
    connectors::run_page page;
    for (const auto& r : runs->get_array()) {
        auto run = model::run_from_json(r);
        if (!run) return std::nullopt;
        page.runs.push_back(std::move(*run));
    }
    if (next->is_string()) page.next = std::string(next->get_string());
    return page;
}

cached_connector::cached_connector(std::shared_ptr<connectors::connector> inner,
                                   std::shared_ptr<cache> c)
    : inner_(std::move(inner)),
      cache_(std::move(c)),
      monitored_(std::dynamic_pointer_cast<const connectors::monitored_connector>(inner_)) {}

bool cached_connector::budget_spent() const {
    if (!monitored_) return false;
    auto b = monitored_->budget();
    return b && b->tokens < 1.0;
}

asio::awaitable<outcome<connectors::run_page>> cached_connector::list(
    connectors::list_query q, std::string position, int limit,
    connectors::clock::time_point deadline) {
    auto key = cache_key::for_page(source().name, q, position, limit);
    auto ttl = cache_->policy().page_ttl(source().name);
    fetch_fn fetch = [inner = inner_, q, position, limit, deadline, ttl] {
        return fetch_page(inner, q, position, limit, deadline, ttl);
    };
    auto pending = cache_->get(std::move(key), std::move(fetch), deadline, budget_spent());
    lookup l = co_await std::move(pending);
    co_return answer<connectors::run_page>(l, page_from_bytes, "page");
}

asio::awaitable<outcome<model::run>> cached_connector::get(std::string native_id,
                                                           connectors::clock::time_point deadline) {
    auto key = cache_key::for_run(source().name, native_id);
    fetch_fn fetch = [inner = inner_, c = cache_, native_id, deadline] {
        return fetch_run(inner, c, native_id, deadline);
    };
    auto pending = cache_->get(std::move(key), std::move(fetch), deadline, budget_spent());
    lookup l = co_await std::move(pending);
    co_return answer<model::run>(l, run_from_bytes, "run");
}

asio::awaitable<outcome<connectors::serialized_run>> cached_connector::get_json(
    std::string native_id, connectors::clock::time_point deadline, bool include_raw) {
    auto key = cache_key::for_run(source().name, native_id);
    fetch_fn fetch = [inner = inner_, c = cache_, native_id, deadline] {
        return fetch_run(inner, c, native_id, deadline);
    };
    auto pending = cache_->get(std::move(key), std::move(fetch), deadline, budget_spent());
    lookup l = co_await std::move(pending);
    if (!l.ok())
        co_return outcome<connectors::serialized_run>::failure(l.error.value_or(unreadable("run")));
    // The entry's bytes are the run with its raw object (run_to_bytes); its variant, when its
    // producer kept one, is the run without. Anything else is derived from the bytes.
    const entry& e = *l.value;
    connectors::serialized_run out;
    if (include_raw) {
        out = {e.value, e.etag};
    } else if (!e.variant.empty()) {
        out = {e.variant, e.variant_etag};
    } else {
        auto run = run_from_bytes(e.value);
        if (!run) co_return outcome<connectors::serialized_run>::failure(unreadable("run"));
        out.body = model::serialize_run(*run, false);
    }
    auto o = outcome<connectors::serialized_run>::success(std::move(out));
    o.cache = note_of(l);
    co_return o;
}

asio::awaitable<outcome<std::vector<model::test_failure>>> cached_connector::failures(
    std::string native_id, connectors::clock::time_point deadline) {
    auto key = cache_key::for_failures(source().name, native_id);
    fetch_fn fetch = [inner = inner_, c = cache_, native_id, deadline] {
        return fetch_failures(inner, c, native_id, deadline);
    };
    auto pending = cache_->get(std::move(key), std::move(fetch), deadline, budget_spent());
    lookup l = co_await std::move(pending);
    auto parse = [](std::string_view bytes) -> std::optional<std::vector<model::test_failure>> {
        boost::system::error_code ec;
        auto v = boost::json::parse(bytes, ec);
        if (ec || !v.is_array()) return std::nullopt;
        std::vector<model::test_failure> out;
        for (const auto& f : v.get_array()) {
            auto one = model::failure_from_json(f);
            if (!one) return std::nullopt;
            out.push_back(std::move(*one));
        }
        return out;
    };
    co_return answer<std::vector<model::test_failure>>(l, parse, "failures");
}

asio::awaitable<outcome<connectors::trigger_result>> cached_connector::trigger(
    connectors::trigger_request req, connectors::clock::time_point deadline) {
    auto o = co_await inner_->trigger(std::move(req), deadline);
    co_return o;
}

asio::awaitable<outcome<model::run>> cached_connector::cancel(
    std::string native_id, connectors::clock::time_point deadline) {
    auto key = cache_key::for_run(source().name, native_id);
    auto o = co_await inner_->cancel(std::move(native_id), deadline);
    auto drop = cache_->invalidate(std::move(key));
    co_await std::move(drop);
    co_return o;
}

}  // namespace runhub::cache
