#include "cache/entry.hpp"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace runhub::cache {
namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(const unsigned char* p, std::size_t n) {
    std::string out;
    out.reserve((n * 4 + 2) / 3);
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        std::uint32_t v = (std::uint32_t(p[i]) << 16) | (std::uint32_t(p[i + 1]) << 8) | p[i + 2];
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    if (n - i == 1) {
        std::uint32_t v = std::uint32_t(p[i]) << 16;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
    } else if (n - i == 2) {
        std::uint32_t v = (std::uint32_t(p[i]) << 16) | (std::uint32_t(p[i + 1]) << 8);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
    }
    return out;
}

}  // namespace

std::chrono::seconds entry::age(time_point now) const {
    if (now <= stored_at) return std::chrono::seconds(0);
    return std::chrono::duration_cast<std::chrono::seconds>(now - stored_at);
}

std::string make_etag(std::string_view bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int len = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &len, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    return base64url(digest.data(), 16);
}

std::string quoted_etag(std::string_view etag) {
    std::string out;
    out.reserve(etag.size() + 2);
    out += '"';
    out += etag;
    out += '"';
    return out;
}

std::shared_ptr<const entry> make_entry(std::string value, time_point now,
                                        std::chrono::milliseconds ttl,
                                        std::chrono::milliseconds stale_window, std::string variant,
                                        bool tagged) {
    auto e = std::make_shared<entry>();
    if (tagged) e->etag = make_etag(value);
    e->value = std::move(value);
    if (!variant.empty()) {
        e->variant_etag = make_etag(variant);
        e->variant = std::move(variant);
    }
    e->stored_at = now;
    e->fresh_until = now + ttl;
    e->stale_until = e->fresh_until + stale_window;
    return e;
}

}  // namespace runhub::cache
