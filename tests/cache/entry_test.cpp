#include "cache/entry.hpp"

#include <gtest/gtest.h>

namespace runhub::cache {
namespace {
using namespace std::chrono_literals;

TEST(Etag, StableForTheSameBytes) {
    std::string body = R"({"id":"zof:1","status":"running"})";
    EXPECT_EQ(make_etag(body), make_etag(std::string(body)));
    EXPECT_EQ(make_etag(body).size(), 22u);  // 16 bytes of SHA-256, base64url, no padding
    EXPECT_EQ(make_etag(body).find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
}

TEST(Etag, KnownVector) {
    // SHA-256("") = e3b0c442 98fc1c14 9afbf4c8 996fb924 ...; first 16 bytes in base64url.
    EXPECT_EQ(make_etag(""), "47DEQpj8HBSa-_TImW-5JA");
}

TEST(Etag, ChangesWithAnyByte) {
    std::string a = R"({"id":"zof:1","status":"running"})";
    std::string b = R"({"id":"zof:1","status":"passed"})";
    std::string c = a;
    c.back() = ' ';
    EXPECT_NE(make_etag(a), make_etag(b));
    EXPECT_NE(make_etag(a), make_etag(c));
    EXPECT_EQ(quoted_etag(make_etag(a)), "\"" + make_etag(a) + "\"");
}

TEST(Entry, InstantsAndAge) {
    time_point t0{std::chrono::seconds(1'700'000'000)};
    auto e = make_entry("x", t0, 2s, 10min);
    EXPECT_EQ(e->etag, make_etag("x"));
    EXPECT_EQ(e->stored_at, t0);
    EXPECT_EQ(e->fresh_until, t0 + 2s);
    EXPECT_EQ(e->stale_until, t0 + 2s + 10min);
    EXPECT_TRUE(e->fresh(t0 + 1999ms));
    EXPECT_FALSE(e->fresh(t0 + 2s));
    EXPECT_TRUE(e->servable_stale(t0 + 2s + 10min - 1ms));
    EXPECT_FALSE(e->servable_stale(t0 + 2s + 10min));
    EXPECT_EQ(e->age(t0 + 61500ms), 61s);
    EXPECT_EQ(e->age(t0 - 5s), 0s);  // a clock stepping back never gives a negative age
}

// An entry made untagged (a list page, which no answer sends as it is) costs no SHA-256 and
// carries no ETag; its variant, if any, is still tagged.
TEST(Entry, UntaggedHasNoEtag) {
    auto e = make_entry("page", time_point{}, 2s, 10min, {}, false);
    EXPECT_TRUE(e->etag.empty());
    EXPECT_EQ(e->value, "page");
    auto v = make_entry("page", time_point{}, 2s, 10min, "short", false);
    EXPECT_TRUE(v->etag.empty());
    EXPECT_EQ(v->variant_etag, make_etag("short"));
}

}  // namespace
}  // namespace runhub::cache
