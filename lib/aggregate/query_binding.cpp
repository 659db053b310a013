#include "aggregate/query_binding.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

namespace runhub::aggregate {
namespace {

// Length-prefixed, so that no two different field lists give the same text.
void put(std::string& out, std::string_view field) {
    out += std::to_string(field.size());
    out += ':';
    out += field;
    out += ';';
}

void put_time(std::string& out, const std::optional<model::timestamp>& t) {
    put(out, t ? std::to_string(t->time_since_epoch().count()) : std::string("-"));
}

}  // namespace

query_binding bind_query(const connectors::list_query& q, std::vector<std::string> sources,
                         std::string_view key_identity) {
    std::string text = "runhub.list.v1;";
    put_time(text, q.since);
    put_time(text, q.until);
    std::vector<std::string> statuses;
    for (auto s : q.statuses) statuses.emplace_back(model::to_string(s));
    std::sort(statuses.begin(), statuses.end());
    statuses.erase(std::unique(statuses.begin(), statuses.end()), statuses.end());
    put(text, std::to_string(statuses.size()));
    for (const auto& s : statuses) put(text, s);
    put(text, q.branch ? "b" : "-");
    if (q.branch) put(text, *q.branch);
    std::sort(sources.begin(), sources.end());
    sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
    put(text, std::to_string(sources.size()));
    for (const auto& s : sources) put(text, s);
    put(text, key_identity);

    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    query_binding b{};
    std::copy_n(md, b.size(), b.begin());
    return b;
}

}  // namespace runhub::aggregate
