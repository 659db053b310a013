#include "api/api_keys.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <atomic>
#include <stdexcept>

#include "config/config.hpp"

namespace runhub::api {

bool principal::has_scope(std::string_view scope) const {
    if (scope == config::scope_runs_read) return can_read;
    if (scope == config::scope_runs_write) return can_write;
    return false;
}

namespace {

std::atomic<std::uint64_t> next_store_id{1};

// An HMAC-SHA256 context keyed with one store's pepper, one per thread: keying it (and fetching
// the algorithm) is most of the cost of a short MAC, so it is done once per thread and store,
// and each hash only re-initializes it with the key it already holds.
struct keyed_mac {
    std::uint64_t store = 0;  // whose pepper it holds (0: none yet)
    EVP_MAC_CTX* ctx = nullptr;
    ~keyed_mac() { EVP_MAC_CTX_free(ctx); }
};

EVP_MAC* hmac_algorithm() {
    static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    return mac;
}

}  // namespace

key_store::key_store() : pepper_(32, '\0'), id_(next_store_id.fetch_add(1)) {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(pepper_.data()),
                   static_cast<int>(pepper_.size())) != 1)
        throw std::runtime_error("no randomness for the API key store");
}

key_store::digest key_store::hash(std::string_view key) const {
    thread_local keyed_mac mac;
    digest d{};
    std::size_t len = 0;
    char digest_name[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest_name, 0),
                           OSSL_PARAM_construct_end()};
    bool ok = hmac_algorithm() != nullptr;
    if (ok && mac.store != id_) {
        EVP_MAC_CTX_free(mac.ctx);
        mac.store = 0;
        mac.ctx = EVP_MAC_CTX_new(hmac_algorithm());
        ok =
            mac.ctx && EVP_MAC_init(mac.ctx, reinterpret_cast<const unsigned char*>(pepper_.data()),
                                    pepper_.size(), params) == 1;
        if (ok) mac.store = id_;
    } else if (ok) {
        ok = EVP_MAC_init(mac.ctx, nullptr, 0, nullptr) == 1;  // same key, fresh state
    }
    ok = ok &&
         EVP_MAC_update(mac.ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size()) ==
             1 &&
         EVP_MAC_final(mac.ctx, d.data(), &len, d.size()) == 1 && len == d.size();
    if (!ok) throw std::runtime_error("HMAC-SHA256 failed");
    return d;
}

void key_store::add(std::string name, std::string_view key, const std::vector<std::string>& scopes,
                    const std::optional<std::vector<std::string>>& sources) {
    // A name is an identity (cursors and kept answers are bound to it): never two holders.
    for (const auto& existing : entries_)
        if (existing.who.name == name)
            throw std::invalid_argument("two API keys are named " + name);
    entry e;
    e.d = hash(key);
    e.who.name = std::move(name);
    for (const auto& s : scopes) {
        if (s == config::scope_runs_read) e.who.can_read = true;
        if (s == config::scope_runs_write) e.who.can_write = true;
    }
    if (sources) e.who.sources.emplace(sources->begin(), sources->end());
    entries_.push_back(std::move(e));
}

const principal* key_store::find(std::string_view presented) const {
    const digest d = hash(presented);
    const principal* found = nullptr;
    for (const auto& e : entries_)  // every entry, whatever matched
        if (CRYPTO_memcmp(d.data(), e.d.data(), d.size()) == 0) found = &e.who;
    return found;
}

namespace {

http::response unauthorized(std::string_view message, std::string_view rid, bool invalid) {
    auto res = http::response::error(401, "unauthorized", message, rid);
    res.headers.set("WWW-Authenticate", invalid ? R"(Bearer realm="runhub", error="invalid_token")"
                                                : R"(Bearer realm="runhub")");
    return res;
}

// The token of "Bearer <token>" (scheme case-insensitive), or nullopt.
std::optional<std::string_view> bearer_token(std::string_view value) {
    constexpr std::string_view scheme = "bearer";
    if (value.size() <= scheme.size() || !http::iequals(value.substr(0, 6), scheme) ||
        value[6] != ' ')
        return std::nullopt;
    value.remove_prefix(7);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    return value;
}

}  // namespace

std::variant<const principal*, http::response> authorize(const http::request& req,
                                                         const key_store& keys,
                                                         std::string_view scope) {
    auto header = req.headers.get("Authorization");
    if (!header)
        return unauthorized("this route needs Authorization: Bearer <API key>", req.request_id,
                            false);
    auto token = bearer_token(*header);
    if (!token)
        return unauthorized("the Authorization header must be Bearer <API key>", req.request_id,
                            true);
    const principal* who = keys.find(*token);
    if (!who) return unauthorized("the API key is not valid", req.request_id, true);
    if (!who->has_scope(scope))
        return http::response::error(403, "forbidden",
                                     "this API key lacks the " + std::string(scope) + " scope",
                                     req.request_id);
    return who;
}

}  // namespace runhub::api
