#include "sandbox/zof/zof_idempotency.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace runhub::sandbox::zof {

namespace {

bool same_body(const std::string& a, const std::string& b) {
    if (a == b) return true;
    boost::system::error_code ea, eb;
    auto va = boost::json::parse(a, ea);
    auto vb = boost::json::parse(b, eb);
    return !ea && !eb && va == vb;
}

}  // namespace

idempotency_store::lookup_result idempotency_store::lookup(const std::string& key,
                                                           const std::string& body,
                                                           time_point now) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return {};
    if (it->second.expires <= now) {
        entries_.erase(it);
        return {};
    }
    if (!same_body(it->second.body, body)) return {verdict::mismatch, {}};
    return {verdict::replay, it->second.answer};
}

void idempotency_store::remember(const std::string& key, const std::string& body,
                                 stored_answer answer, time_point now) {
    // Expired keys go on the way, so the store stays bounded by the keys of one day.
    std::erase_if(entries_, [&](const auto& kv) { return kv.second.expires <= now; });
    entries_[key] = entry{body, std::move(answer), now + ttl};
}

}  // namespace runhub::sandbox::zof
