#pragma once
// An spdlog sink for a log written on every request: lines gather in memory and reach the file
// descriptor in one write(2) when 64 KiB have gathered, when a flush is asked for, at the latest
// `flush_interval` after they were logged (a background thread), and when the sink goes away.
// One write per ~100 lines instead of one (plus an fflush) per line, like nginx's
// `access_log ... buffer=64k flush=...`. On a terminal every line is written at once.
#include <spdlog/sinks/base_sink.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace runhub::http {

class buffered_fd_sink final : public spdlog::sinks::base_sink<std::mutex> {
  public:
    static constexpr std::size_t buffer_bytes = 64 * 1024;

    // `fd` stays open and owned by the caller (stdout: 1).
    explicit buffered_fd_sink(int fd, std::chrono::milliseconds flush_interval);
    ~buffered_fd_sink() override;
    buffered_fd_sink(const buffered_fd_sink&) = delete;
    buffered_fd_sink& operator=(const buffered_fd_sink&) = delete;

    // Whether each line is written at once (the descriptor is a terminal).
    bool immediate() const { return immediate_; }
    // write(2) calls made so far (tests and benchmarks read it).
    std::size_t writes();

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override;

  private:
    void write_out();  // with mutex_ held
    void flusher();

    int fd_;
    bool immediate_;
    std::chrono::milliseconds interval_;
    std::string pending_;
    std::size_t writes_ = 0;
    std::mutex stop_mutex_;
    std::condition_variable stop_cv_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace runhub::http
