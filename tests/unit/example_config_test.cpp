// deploy/runhub.example.json documents every key: it must parse with no problem.
#include <gtest/gtest.h>

#include "config/config.hpp"

TEST(ExampleConfig, ParsesCleanly) {
    auto r = runhub::config::load_config_file(RUNHUB_SOURCE_DIR "/deploy/runhub.example.json");
    for (const auto& p : r.problems) ADD_FAILURE() << p.path << ": " << p.message;
    EXPECT_EQ(r.config.listen, "127.0.0.1:8080");
}
