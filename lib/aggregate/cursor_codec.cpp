#include "aggregate/cursor_codec.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "aggregate/base64url.hpp"

namespace runhub::aggregate {
namespace {

constexpr std::uint8_t version = 1;
constexpr std::size_t mac_size = 32;
constexpr std::size_t max_sources = 255;

using mac = std::array<unsigned char, mac_size>;

mac hmac_sha256(std::string_view key, std::string_view data) {
    mac out{};
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len) ||
        len != mac_size) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return out;
}

struct writer {
    std::string out;
    void u8(std::uint8_t v) { out += static_cast<char>(v); }
    void u16(std::size_t v) {
        if (v > 0xffff) throw std::length_error("cursor field longer than 65535 bytes");
        u8(static_cast<std::uint8_t>(v >> 8));
        u8(static_cast<std::uint8_t>(v));
    }
    void u32(std::uint32_t v) {
        for (int s = 24; s >= 0; s -= 8) u8(static_cast<std::uint8_t>(v >> s));
    }
    void i64(std::int64_t v) {
        auto u = static_cast<std::uint64_t>(v);
        for (int s = 56; s >= 0; s -= 8) u8(static_cast<std::uint8_t>(u >> s));
    }
    void str(std::string_view s) {
        u16(s.size());
        out += s;
    }
};

// Every read checks the bounds; a failed read leaves ok == false and reads nothing more.
struct reader {
    std::string_view in;
    bool ok = true;
    bool take(std::size_t n) {
        if (!ok || in.size() < n) return ok = false;
        return true;
    }
    std::uint8_t u8() {
        if (!take(1)) return 0;
        auto v = static_cast<std::uint8_t>(in[0]);
        in.remove_prefix(1);
        return v;
    }
    std::uint16_t u16() {
        std::uint16_t hi = u8();
        return static_cast<std::uint16_t>((hi << 8) | u8());
    }
    std::uint32_t u32() {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v = (v << 8) | u8();
        return v;
    }
    std::int64_t i64() {
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v = (v << 8) | u8();
        return static_cast<std::int64_t>(v);
    }
    std::string str() {
        std::size_t n = u16();
        if (!take(n)) return {};
        std::string s(in.substr(0, n));
        in.remove_prefix(n);
        return s;
    }
};

bool sorted_unique(const std::vector<source_position>& v) {
    for (std::size_t i = 1; i < v.size(); ++i) {
        if (!(v[i - 1].source < v[i].source)) return false;
    }
    return true;
}

}  // namespace

cursor_codec::cursor_codec(std::string key) : key_(std::move(key)) {
    if (key_.size() < 16) throw std::invalid_argument("cursor key shorter than 16 bytes");
}

std::string cursor_codec::encode(const cursor_state& s, const query_binding& b) const {
    if (s.sources.size() > max_sources) throw std::length_error("too many sources in a cursor");
    auto sources = s.sources;
    std::sort(sources.begin(), sources.end(),
              [](const auto& x, const auto& y) { return x.source < y.source; });
    writer w;
    w.u8(version);
    w.out.append(reinterpret_cast<const char*>(b.data()), b.size());
    w.u8(s.last.created_at ? 1 : 0);
    if (s.last.created_at) w.i64(s.last.created_at->time_since_epoch().count());
    w.str(s.last.id);
    w.u32(s.page_hint);
    w.u8(static_cast<std::uint8_t>(sources.size()));
    for (const auto& p : sources) {
        w.str(p.source);
        w.u8(p.exhausted ? 1 : 0);
        w.str(p.position);
    }
    auto m = hmac_sha256(key_, w.out);
    w.out.append(reinterpret_cast<const char*>(m.data()), m.size());
    auto text = base64url_encode(w.out);
    if (text.size() > max_text_size) throw std::length_error("cursor longer than its limit");
    return text;
}

boost::system::result<cursor_state> cursor_codec::decode(std::string_view text,
                                                         const query_binding& b) const {
    if (text.empty() || text.size() > max_text_size) return cursor_error::malformed;
    auto bytes = base64url_decode(text);
    if (!bytes) return cursor_error::malformed;
    std::string_view all = *bytes;
    if (all.size() < 1 + b.size() + mac_size) return cursor_error::malformed;
    if (static_cast<std::uint8_t>(all[0]) != version) return cursor_error::unknown_version;

    auto body = all.substr(0, all.size() - mac_size);
    auto expected = hmac_sha256(key_, body);
    if (CRYPTO_memcmp(expected.data(), all.data() + body.size(), mac_size) != 0) {
        return cursor_error::bad_signature;
    }
    if (CRYPTO_memcmp(b.data(), body.data() + 1, b.size()) != 0) {
        return cursor_error::query_mismatch;
    }

    // Authentic from here on; the checks below guard against our own bugs, not forgers.
    reader r{body.substr(1 + b.size())};
    cursor_state s;
    auto flags = r.u8();
    if (flags > 1) return cursor_error::malformed;
    if (flags == 1) s.last.created_at = model::timestamp(std::chrono::milliseconds(r.i64()));
    s.last.id = r.str();
    s.page_hint = r.u32();
    std::size_t n = r.u8();
    for (std::size_t i = 0; i < n && r.ok; ++i) {
        source_position p;
        p.source = r.str();
        auto exhausted = r.u8();
        if (exhausted > 1) return cursor_error::malformed;
        p.exhausted = exhausted == 1;
        p.position = r.str();
        s.sources.push_back(std::move(p));
    }
    if (!r.ok || !r.in.empty() || !sorted_unique(s.sources)) return cursor_error::malformed;
    return s;
}

}  // namespace runhub::aggregate
