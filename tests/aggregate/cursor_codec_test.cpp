#include "aggregate/cursor_codec.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <set>

#include "aggregate/base64url.hpp"

namespace runhub::aggregate {
namespace {

const std::string key = "0123456789abcdef-server-key";

connectors::list_query some_query() {
    connectors::list_query q;
    q.since = model::timestamp(std::chrono::milliseconds(1'700'000'000'000));
    q.statuses = {model::run_status::failed, model::run_status::passed};
    q.branch = "main";
    return q;
}

query_binding some_binding() { return bind_query(some_query(), {"zof", "testmo"}, "key-1"); }

cursor_state some_state() {
    cursor_state s;
    s.last.created_at = model::timestamp(std::chrono::milliseconds(1'763'900'000'123));
    s.last.id = "zof:run%2F7";
    s.page_hint = 50;
    s.sources = {{"testmo", "page=3", false}, {"zof", "", true}};
    return s;
}

TEST(CursorCodec, RoundTripsItsState) {
    cursor_codec codec(key);
    auto s = some_state();
    auto text = codec.encode(s, some_binding());
    auto back = codec.decode(text, some_binding());
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, s);
}

TEST(CursorCodec, RoundTripsAWatermarkWithoutTimeAndBinaryPositions) {
    cursor_codec codec(key);
    cursor_state s;
    s.last.id = "zof:x";
    s.page_hint = 1;
    s.sources = {{"a", std::string("\0\xff|=&?", 6), false}};
    auto back = codec.decode(codec.encode(s, some_binding()), some_binding());
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, s);
}

TEST(CursorCodec, SortsSourcesSoOneStateHasOneText) {
    cursor_codec codec(key);
    auto s = some_state();
    auto reversed = s;
    std::swap(reversed.sources[0], reversed.sources[1]);
    EXPECT_EQ(codec.encode(s, some_binding()), codec.encode(reversed, some_binding()));
}

TEST(CursorCodec, TextIsUrlSafeWithoutPadding) {
    cursor_codec codec(key);
    auto text = codec.encode(some_state(), some_binding());
    for (char c : text) {
        EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << c;
    }
}

TEST(CursorCodec, RefusesShortKeys) { EXPECT_THROW(cursor_codec("short"), std::invalid_argument); }

TEST(CursorCodec, AnotherServerKeyMeansForged) {
    auto text = cursor_codec(key).encode(some_state(), some_binding());
    auto back = cursor_codec("another-key-of-16-bytes").decode(text, some_binding());
    ASSERT_FALSE(back);
    EXPECT_EQ(back.error(), cursor_error::bad_signature);
}

TEST(CursorCodec, AnotherQueryIsRefused) {
    cursor_codec codec(key);
    auto text = codec.encode(some_state(), some_binding());
    auto other_filters = some_query();
    other_filters.branch = "dev";
    for (const auto& b : {bind_query(other_filters, {"zof", "testmo"}, "key-1"),
                          bind_query(some_query(), {"zof"}, "key-1"),
                          bind_query(some_query(), {"zof", "testmo"}, "key-2")}) {
        auto back = codec.decode(text, b);
        ASSERT_FALSE(back);
        EXPECT_EQ(back.error(), cursor_error::query_mismatch);
        EXPECT_EQ(back.error().category().name(), std::string("runhub.cursor"));
    }
}

TEST(QueryBinding, IgnoresOrderAndRepeatsOfSetsOnly) {
    auto q = some_query();
    auto reordered = q;
    reordered.statuses = {model::run_status::passed, model::run_status::failed,
                          model::run_status::passed};
    EXPECT_EQ(bind_query(q, {"zof", "testmo"}, "k"), bind_query(reordered, {"testmo", "zof"}, "k"));

    std::set<query_binding> distinct;
    distinct.insert(bind_query(q, {"zof", "testmo"}, "k"));
    auto v = q;
    v.since.reset();
    distinct.insert(bind_query(v, {"zof", "testmo"}, "k"));
    v = q;
    v.until = q.since;  // the same instant as an upper bound is another query
    v.since.reset();
    distinct.insert(bind_query(v, {"zof", "testmo"}, "k"));
    v = q;
    v.statuses.pop_back();
    distinct.insert(bind_query(v, {"zof", "testmo"}, "k"));
    v = q;
    v.branch.reset();
    distinct.insert(bind_query(v, {"zof", "testmo"}, "k"));
    v = q;
    v.branch = "";
    distinct.insert(bind_query(v, {"zof", "testmo"}, "k"));
    distinct.insert(bind_query(q, {"zof", "testmo", "sofy"}, "k"));
    distinct.insert(bind_query(q, {"zoftestmo"}, "k"));
    distinct.insert(bind_query(q, {"zof", "testmo"}, ""));
    EXPECT_EQ(distinct.size(), 9u);
}

TEST(CursorCodec, EveryFlippedByteIsRefused) {
    cursor_codec codec(key);
    auto text = codec.encode(some_state(), some_binding());
    auto bytes = *base64url_decode(text);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        for (unsigned char mask : {0x01, 0x80, 0xff}) {
            auto altered = bytes;
            altered[i] = static_cast<char>(altered[i] ^ mask);
            auto back = codec.decode(base64url_encode(altered), some_binding());
            ASSERT_FALSE(back) << "byte " << i;
            EXPECT_EQ(back.error(),
                      i == 0 ? cursor_error::unknown_version : cursor_error::bad_signature)
                << "byte " << i;
        }
    }
}

TEST(CursorCodec, EveryAlteredCharacterIsRefused) {
    cursor_codec codec(key);
    auto text = codec.encode(some_state(), some_binding());
    for (std::size_t i = 0; i < text.size(); ++i) {
        for (char c : {'A', 'z', '-', '_', '=', '+', '/', '.', '%', ' '}) {
            if (text[i] == c) continue;
            auto altered = text;
            altered[i] = c;
            EXPECT_FALSE(codec.decode(altered, some_binding())) << i << " " << c;
        }
    }
}

TEST(CursorCodec, EveryTruncationAndExtensionIsRefused) {
    cursor_codec codec(key);
    auto text = codec.encode(some_state(), some_binding());
    for (std::size_t n = 0; n < text.size(); ++n) {
        EXPECT_FALSE(codec.decode(text.substr(0, n), some_binding())) << n;
        EXPECT_FALSE(codec.decode(text.substr(n + 1), some_binding())) << n;
    }
    for (const char* tail : {"A", "AA", "AAA", "AAAA", "=", "==", "%3D"}) {
        EXPECT_FALSE(codec.decode(text + tail, some_binding())) << tail;
    }
}

TEST(CursorCodec, ReencodedTextsAreRefused) {
    cursor_codec codec(key);
    auto text = codec.encode(some_state(), some_binding());
    // Standard base64 with padding of the same bytes.
    std::string standard = text;
    for (auto& c : standard) {
        if (c == '-') c = '+';
        if (c == '_') c = '/';
    }
    while (standard.size() % 4) standard += '=';
    if (standard != text) {
        auto back = codec.decode(standard, some_binding());
        ASSERT_FALSE(back);
        EXPECT_EQ(back.error(), cursor_error::malformed);
    }
}

// A cursor of another layout version, correctly signed, is refused by its version.
TEST(CursorCodec, AnotherVersionIsRefusedAsSuch) {
    cursor_codec codec(key);
    auto bytes = *base64url_decode(codec.encode(some_state(), some_binding()));
    auto body = bytes.substr(0, bytes.size() - 32);
    body[0] = 2;
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
    auto resigned = body + std::string(reinterpret_cast<char*>(mac), len);
    auto back = codec.decode(base64url_encode(resigned), some_binding());
    ASSERT_FALSE(back);
    EXPECT_EQ(back.error(), cursor_error::unknown_version);
}

// Correctly signed bodies that are not the v1 layout (our own bug, or a leaked key) are
// refused as malformed, never read out of bounds.
TEST(CursorCodec, SignedGarbageIsMalformedNotACrash) {
    cursor_codec codec(key);
    auto b = some_binding();
    auto good = *base64url_decode(codec.encode(some_state(), b));
    auto body = good.substr(0, good.size() - 32);
    auto sign = [&](std::string s) {
        unsigned char mac[32];
        unsigned int len = 0;
        HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(s.data()), s.size(), mac, &len);
        return base64url_encode(s + std::string(reinterpret_cast<char*>(mac), len));
    };
    for (std::size_t n = 1 + b.size(); n < body.size(); ++n) {
        auto back = codec.decode(sign(body.substr(0, n)), b);
        ASSERT_FALSE(back) << n;
        EXPECT_EQ(back.error(), cursor_error::malformed) << n;
    }
    for (std::size_t i = 1 + b.size(); i < body.size(); ++i) {
        auto altered = body;
        altered[i] = '\xff';
        auto back = codec.decode(sign(altered), b);  // may decode: then it must be sane
        if (back) {
            EXPECT_LE(back->sources.size(), 255u);
        }
    }
    auto back = codec.decode(sign(body + "x"), b);
    ASSERT_FALSE(back);
    EXPECT_EQ(back.error(), cursor_error::malformed);
}

TEST(CursorCodec, JunkAndOversizedTextsAreMalformed) {
    cursor_codec codec(key);
    for (const std::string& junk :
         {std::string(), std::string("null"), std::string("eyJhIjoxfQ"),
          std::string(cursor_codec::max_text_size + 4, 'A'), std::string(200, '_')}) {
        auto back = codec.decode(junk, some_binding());
        ASSERT_FALSE(back);
        EXPECT_NE(back.error(), cursor_error::query_mismatch);
    }
}

}  // namespace
}  // namespace runhub::aggregate
