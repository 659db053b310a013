// The access line is written field by field (no JSON tree): every string must come out as a
// JSON string that reads back to the same bytes, whatever a caller put in the path.
#include "http/access_log.hpp"
#include "http/buffered_fd_sink.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <thread>

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

namespace {
std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}
}  // namespace

// The default access sink gathers lines: many lines, few write(2) calls, whole lines, none lost,
// and what is pending is written when the sink goes away.
TEST(BufferedFdSink, GathersLinesIntoFewWrites) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
    ASSERT_GT(::fcntl(fds[1], F_SETPIPE_SZ, 1 << 20), 0);
    {
        // An hour: no timed flush interferes with the counts here.
        auto sink = std::make_shared<http::buffered_fd_sink>(fds[1], std::chrono::hours(1));
        ASSERT_FALSE(sink->immediate());
        spdlog::logger logger("buffered-unit", sink);
        logger.set_pattern("%v");
        const std::string line(99, 'x');  // 100 bytes with the newline
        for (int i = 0; i < 2000; ++i) logger.info(line);
        // A write each time 64 KiB (656 lines) have gathered: 3 writes, 32 lines pending.
        EXPECT_EQ(sink->writes(), 3u);
        EXPECT_EQ(read_all(fds[0]).size(), 3u * 656u * 100u);
        logger.info("at exit");
    }
    std::string expected;
    for (int i = 0; i < 32; ++i) expected += std::string(99, 'x') + "\n";
    EXPECT_EQ(read_all(fds[0]), expected + "at exit\n");
    ::close(fds[0]);
    ::close(fds[1]);
}

// Nobody flushes: a pending line still reaches the descriptor within the flush interval.
TEST(BufferedFdSink, FlushesPendingLinesOnItsOwn) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
    auto sink = std::make_shared<http::buffered_fd_sink>(fds[1], std::chrono::milliseconds(50));
    spdlog::logger logger("buffered-timed", sink);
    logger.set_pattern("%v");
    logger.info("one line");
    std::string got;
    for (int i = 0; i < 500 && got.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        got = read_all(fds[0]);
    }
    EXPECT_EQ(got, "one line\n");
    EXPECT_EQ(sink->writes(), 1u);
    ::close(fds[0]);
    ::close(fds[1]);
}
