#include "free_ports.hpp"

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <random>
#include <stdexcept>

namespace runhub::test {

namespace {

bool port_free(std::uint16_t port) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io);
    boost::system::error_code ec;
    a.open(boost::asio::ip::tcp::v4(), ec);
    if (!ec) a.bind({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    return !ec;
}

}  // namespace

int free_port_base(int count) {
    std::mt19937 gen(static_cast<unsigned>(::getpid()) * 7919u + std::random_device{}());
    for (int attempt = 0; attempt < 200; ++attempt) {
        int base = 20000 + static_cast<int>(gen() % 30000);
        bool ok = true;
        for (int i = 1; i <= count && ok; ++i) ok = port_free(static_cast<std::uint16_t>(base + i));
        if (ok) return base;
    }
    throw std::runtime_error("no free consecutive ports");
}

}  // namespace runhub::test
