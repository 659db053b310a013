#include "aggregate/base64url.hpp"

#include <gtest/gtest.h>

namespace runhub::aggregate {
namespace {

TEST(Base64url, Rfc4648VectorsWithoutPadding) {
    const std::pair<std::string, std::string> rows[] = {
        {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
        {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [bytes, text] : rows) {
        EXPECT_EQ(base64url_encode(bytes), text);
        EXPECT_EQ(base64url_decode(text), bytes);
    }
}

TEST(Base64url, UsesTheUrlSafeAlphabet) {
    std::string bytes = "\xfb\xff\xbf";
    EXPECT_EQ(base64url_encode(bytes), "-_-_");
    EXPECT_EQ(base64url_decode("-_-_"), bytes);
}

TEST(Base64url, RoundTripsEveryByteValueAndLength) {
    std::string bytes;
    for (int i = 0; i < 256; ++i) {
        bytes += static_cast<char>(i);
        EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes) << i;
    }
}

TEST(Base64url, RefusesTextsEncodeCannotProduce) {
    for (const char* text :
         {"Zg==", "Zm9v+", "Zm9v/w", "Z", "Zm9vY", "Zh", "Zm9", "Zm9vYmF=", "Zm 9", "Zm\n9v"}) {
        EXPECT_FALSE(base64url_decode(text)) << text;
    }
    EXPECT_FALSE(base64url_decode(std::string("Zm\0v", 4)));
}

}  // namespace
}  // namespace runhub::aggregate
