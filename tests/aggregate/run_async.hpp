#pragma once
// Runs one coroutine to completion on `io` and notes when its answer arrived (the io_context
// may run longer, for calls that outlive the answer).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <optional>

namespace runhub::aggregate::testing {

template <class T>
struct timed {
    T value;
    std::chrono::steady_clock::time_point answered;
};

template <class T>
timed<T> run_async(boost::asio::io_context& io, boost::asio::awaitable<T> a) {
    std::optional<T> out;
    std::chrono::steady_clock::time_point at;
    auto task = [&]() -> boost::asio::awaitable<void> {
        out.emplace(co_await std::move(a));
        at = std::chrono::steady_clock::now();
    };
    io.restart();
    boost::asio::co_spawn(io, task, [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
    });
    io.run();
    return {std::move(*out), at};
}

}  // namespace runhub::aggregate::testing
