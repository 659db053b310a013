#include "http/request_id.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace runhub::http;

TEST(RequestId, AcceptsSafeIdsOnly) {
    EXPECT_TRUE(acceptable_request_id("abc-123_X.y:z"));
    EXPECT_TRUE(acceptable_request_id(std::string(128, 'a')));
    EXPECT_FALSE(acceptable_request_id(""));
    EXPECT_FALSE(acceptable_request_id(std::string(129, 'a')));
    EXPECT_FALSE(acceptable_request_id("a b"));
    EXPECT_FALSE(acceptable_request_id("a\nfake log line"));
    EXPECT_FALSE(acceptable_request_id("\"quote"));
}

TEST(RequestId, GeneratedIdsAreUniqueHex) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        auto id = generate_request_id();
        EXPECT_EQ(id.size(), 32u);
        EXPECT_TRUE(acceptable_request_id(id));
        EXPECT_TRUE(seen.insert(id).second);
    }
}
