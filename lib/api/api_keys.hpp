#pragma once
// Inbound API keys: who may call /v1, with which scopes, seeing which sources. Keys are held
// only as HMAC-SHA256 digests under a random per-process key, and a presented key is compared
// against every entry in constant time. Immutable after start-up; thread-safe to read.
#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"

namespace runhub::api {

struct principal {
    std::string name;  // the key's configured name, for logs and cursor binding
    bool can_read = false;
    bool can_write = false;
    std::optional<std::set<std::string, std::less<>>> sources;  // nullopt = every source

    bool sees(std::string_view source) const { return !sources || sources->contains(source); }
    bool has_scope(std::string_view scope) const;
};

class key_store {
  public:
    key_store();
    // `scopes` holds runs:read / runs:write; unknown scopes are ignored (config has checked).
    // Names are identities: a second key of the same name throws std::invalid_argument.
    void add(std::string name, std::string_view key, const std::vector<std::string>& scopes,
             const std::optional<std::vector<std::string>>& sources);
    // The key's holder, or nullptr. Time does not depend on which entry matched, or how much of
    // a digest did.
    const principal* find(std::string_view presented) const;
    std::size_t size() const { return entries_.size(); }

  private:
    using digest = std::array<unsigned char, 32>;
    digest hash(std::string_view key) const;
    struct entry {
        digest d;
        principal who;
    };
    std::string pepper_;  // random per process: digests are useless outside it
    std::uint64_t id_;    // tells stores apart for the per-thread keyed HMAC context
    std::vector<entry> entries_;
};

// The caller of a /v1 route that needs `scope`: its principal, or the answer to give instead —
// 401 (code unauthorized, WWW-Authenticate: Bearer) for a missing, malformed or unknown key,
// 403 (code forbidden) for a known key without the scope.
std::variant<const principal*, http::response> authorize(const http::request& req,
                                                         const key_store& keys,
                                                         std::string_view scope);

}  // namespace runhub::api
