#include "cache/cache_key.hpp"

#include <gtest/gtest.h>

#include <set>

namespace runhub::cache {
namespace {

TEST(CacheKey, FieldsAreLengthPrefixedAfterKindAndVersion) {
    EXPECT_EQ(cache_key::for_run("zof", "42").str(), "v1|r|3:zof2:42");
    EXPECT_EQ(cache_key::for_failures("zof", "42").str(), "v1|f|3:zof2:42");
    EXPECT_EQ(cache_key::for_page("zof", "q", "").str(), "v1|p|3:zof1:q0:");
    EXPECT_EQ(cache_key::for_run("zof", "42").source(), "zof");
    EXPECT_EQ(cache_key::for_page("zof", "q", "").kind(), key_kind::page);
}

TEST(CacheKey, SeparatorsInsideFieldsCannotShiftABoundary) {
    // The pairs a naive "source:id" join would merge.
    EXPECT_NE(cache_key::for_run("a:b", "c"), cache_key::for_run("a", "b:c"));
    EXPECT_NE(cache_key::for_run("a|b", "c"), cache_key::for_run("a", "b|c"));
    EXPECT_NE(cache_key::for_run("a", "1:b"), cache_key::for_run("a1:", "b"));
    EXPECT_NE(cache_key::for_run("3:zof", ""), cache_key::for_run("", "3:zof"));
    // A field that looks like a length-prefixed field itself.
    EXPECT_NE(cache_key::for_run("ab", "1:c"), cache_key::for_run("ab1:c", ""));
    EXPECT_NE(cache_key::for_page("s", "q|1:x", ""), cache_key::for_page("s", "q", "x"));
    EXPECT_NE(cache_key::for_page("s", "q", "1:p"), cache_key::for_page("s", "q1:p", ""));
}

TEST(CacheKey, KindsNeverCollide) {
    EXPECT_NE(cache_key::for_run("s", "x"), cache_key::for_failures("s", "x"));
    EXPECT_NE(cache_key::for_run("s", "x").str(), cache_key::for_page("s", "x", "").str());
}

TEST(CacheKey, ParseRecoversEveryFieldSoDistinctFieldsGiveDistinctKeys) {
    // Injectivity by round trip over an alphabet rich in separators and digits: every key text
    // parses back to exactly its fields, so two keys with different fields differ.
    const std::vector<std::string> parts = {"",    ":",     "|",   "1",
                                            "1:",  "a:b",   "b:c", "2:ab",
                                            "0:",  "v1|r|", "%3A", std::string(1, '\0'),
                                            "\xff"};
    std::set<std::string> seen;
    std::size_t made = 0;
    for (const auto& s : parts) {
        for (const auto& id : parts) {
            auto k = cache_key::for_run(s, id);
            auto parsed = parse_key(k.str());
            ASSERT_TRUE(parsed) << k.str();
            EXPECT_EQ(parsed->kind, key_kind::run);
            ASSERT_EQ(parsed->fields.size(), 2u);
            EXPECT_EQ(parsed->fields[0], s);
            EXPECT_EQ(parsed->fields[1], id);
            seen.insert(k.str());
            ++made;
            for (const auto& pos : parts) {
                auto p = cache_key::for_page(s, id, pos);
                auto pp = parse_key(p.str());
                ASSERT_TRUE(pp);
                EXPECT_EQ(pp->fields, (std::vector<std::string>{s, id, pos}));
                seen.insert(p.str());
                ++made;
            }
        }
    }
    EXPECT_EQ(seen.size(), made);
}

TEST(CacheKey, ParseRejectsWhatNoConstructorMakes) {
    EXPECT_TRUE(parse_key("v1|r|3:zof2:42"));
    EXPECT_FALSE(parse_key(""));
    EXPECT_FALSE(parse_key("v1|r|3:zof"));         // one field short
    EXPECT_FALSE(parse_key("v1|r|3:zof2:4"));      // length past the end
    EXPECT_FALSE(parse_key("v1|r|03:zof2:42"));    // non-canonical length
    EXPECT_FALSE(parse_key("v1|x|3:zof2:42"));     // unknown kind
    EXPECT_FALSE(parse_key("v2|r|3:zof2:42"));     // unknown version
    EXPECT_FALSE(parse_key("v1|r|3:zof2:42|"));    // trailing bytes
    EXPECT_FALSE(parse_key("v1|r|3:zof2:421:x"));  // one field too many
}

TEST(CacheKey, QueryNormalizationIgnoresStatusOrderAndRepeats) {
    connectors::list_query a, b;
    a.statuses = {model::run_status::failed, model::run_status::passed};
    b.statuses = {model::run_status::passed, model::run_status::failed, model::run_status::passed};
    EXPECT_EQ(normalize_query(a, 50), normalize_query(b, 50));
    EXPECT_EQ(cache_key::for_page("zof", a, "", 50), cache_key::for_page("zof", b, "", 50));
}

TEST(CacheKey, QueryNormalizationKeepsEveryFilterApart) {
    connectors::list_query none, empty_branch, branch, since, until;
    empty_branch.branch = "";
    branch.branch = "main";
    since.since = model::timestamp(std::chrono::milliseconds(1'700'000'000'000));
    until.until = model::timestamp(std::chrono::milliseconds(1'700'000'000'000));
    std::set<std::string> texts = {normalize_query(none, 50),   normalize_query(empty_branch, 50),
                                   normalize_query(branch, 50), normalize_query(since, 50),
                                   normalize_query(until, 50),  normalize_query(none, 20)};
    EXPECT_EQ(texts.size(), 6u);  // absent branch != empty branch; since != until; limit counts
    EXPECT_NE(cache_key::for_page("zof", none, "", 50), cache_key::for_page("zof", none, "p2", 50));
    EXPECT_NE(cache_key::for_page("zof", none, "", 50), cache_key::for_page("zo", none, "", 50));
}

}  // namespace
}  // namespace runhub::cache
