// deploy/runhub.example.json documents every key: it must parse with no problem, given the
// environment variables it names.
#include <gtest/gtest.h>

#include "config/config.hpp"

TEST(ExampleConfig, ParsesCleanly) {
    std::vector<std::string> asked;
    auto env = [&](std::string_view name) -> std::optional<std::string> {
        asked.emplace_back(name);
        return "example-secret-" + std::string(name);
    };
    auto r = runhub::config::load_config_file(RUNHUB_SOURCE_DIR "/deploy/runhub.example.json", env);
    for (const auto& p : r.problems) ADD_FAILURE() << p.path << ": " << p.message;
    EXPECT_EQ(r.config.listen, "127.0.0.1:8080");
    ASSERT_EQ(r.config.sources.size(), 1u);
    EXPECT_EQ(r.config.sources[0].credential.value, "example-secret-RUNHUB_ZOF_TOKEN");
    ASSERT_TRUE(r.config.sources[0].budget);
    EXPECT_EQ(r.config.sources[0].budget->per_minute, 100);
    ASSERT_EQ(r.config.api_keys.size(), 1u);
    EXPECT_EQ(asked.size(), 3u);  // cursor key, credential, API key
}
