#include "http/buffered_fd_sink.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace runhub::http {

buffered_fd_sink::buffered_fd_sink(int fd, std::chrono::milliseconds flush_interval)
    : fd_(fd), immediate_(::isatty(fd) == 1), interval_(flush_interval) {
    pending_.reserve(buffer_bytes + 1024);
    if (!immediate_) thread_ = std::thread([this] { flusher(); });
}

buffered_fd_sink::~buffered_fd_sink() {
    {
        std::lock_guard lock(stop_mutex_);
        stop_ = true;
    }
    stop_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mutex_);
    write_out();
}

std::size_t buffered_fd_sink::writes() {
    std::lock_guard lock(mutex_);
    return writes_;
}

void buffered_fd_sink::sink_it_(const spdlog::details::log_msg& msg) {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    pending_.append(formatted.data(), formatted.size());
    if (immediate_ || pending_.size() >= buffer_bytes) write_out();
}

void buffered_fd_sink::flush_() { write_out(); }

void buffered_fd_sink::write_out() {
    if (pending_.empty()) return;
    // Whatever the process put in stdio's buffer for the same descriptor goes first (e.g. the
    // generated API key `serve --sandbox` prints), so that lines keep their order.
    if (fd_ == STDOUT_FILENO) std::fflush(stdout);
    const char* p = pending_.data();
    std::size_t left = pending_.size();
    while (left > 0) {
        ssize_t n = ::write(fd_, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // a closed or full descriptor: the lines are dropped, never kept
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    ++writes_;
    pending_.clear();
}

void buffered_fd_sink::flusher() {
    std::unique_lock lock(stop_mutex_);
    while (!stop_) {
        stop_cv_.wait_for(lock, interval_, [this] { return stop_; });
        if (stop_) break;
        lock.unlock();
        flush();  // base_sink::flush: takes mutex_, calls flush_()
        lock.lock();
    }
}

}  // namespace runhub::http
