// The access line is written field by field (no JSON tree): every string must come out as a
// JSON string that reads back to the same bytes, whatever a caller put in the path.
#include "http/access_log.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <sstream>

using namespace runhub;

TEST(AccessLog, EveryFieldReadsBackAsWritten) {
    std::ostringstream captured;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
    auto logger = std::make_shared<spdlog::logger>("access-unit", sink);
    logger->set_pattern("%v");
    http::set_access_logger(logger);
    const std::string path = "/v1/runs/a\"b\\c\x01\x1f\n\t\xc3\xa9/";
    const std::string remote = "127.0.0.1:5\"";
    http::log_access({"facade", "rid-1", "GET", path, "/v1/runs/{id}", 404, 123, 1.5, remote});
    http::log_access({"", "", "", "", "", 200, 0, 0.0, ""});
    logger->flush();
    http::set_access_logger(nullptr);

    std::istringstream lines(captured.str());
    std::string line;
    std::vector<boost::json::object> entries;
    while (std::getline(lines, line)) entries.push_back(boost::json::parse(line).as_object());
    ASSERT_EQ(entries.size(), 2u) << captured.str();
    const auto& e = entries[0];
    EXPECT_EQ(e.at("path").as_string(), path);
    EXPECT_EQ(e.at("remote").as_string(), remote);
    EXPECT_EQ(e.at("server"), "facade");
    EXPECT_EQ(e.at("request_id"), "rid-1");
    EXPECT_EQ(e.at("method"), "GET");
    EXPECT_EQ(e.at("route"), "/v1/runs/{id}");
    EXPECT_EQ(e.at("status"), 404);
    EXPECT_EQ(e.at("bytes"), 123);
    EXPECT_EQ(e.at("latency_us"), 1500);
    EXPECT_TRUE(e.at("ts_ms").is_int64());
    EXPECT_EQ(entries[1].at("path"), "");
    EXPECT_EQ(entries[1].size(), e.size());
}
