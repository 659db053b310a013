#include "https_get.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <exception>
#include <stdexcept>

namespace runhub::test {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<http_reply> exchange(ssl::context& ctx, https_request r) {
    auto executor = co_await asio::this_coro::executor;
    beast::ssl_stream<beast::tcp_stream> stream(executor, ctx);
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, r.target, 11};
    bhttp::response<bhttp::string_body> res;
    beast::flat_buffer buffer;
    http_reply out;
    boost::system::error_code ec;
    std::string sni = r.verify_name == "127.0.0.1" ? "localhost" : r.verify_name;

    SSL_set_tlsext_host_name(stream.native_handle(), sni.c_str());
    stream.set_verify_callback(ssl::host_name_verification(r.verify_name));
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
    std::tie(ec) = co_await beast::get_lowest_layer(stream).async_connect(
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), r.port), use_tuple);
    if (ec) throw std::runtime_error("connect: " + ec.message());
    std::tie(ec) = co_await stream.async_handshake(ssl::stream_base::client, use_tuple);
    if (ec) throw std::runtime_error("handshake: " + ec.message());
    req.set(bhttp::field::host, sni);
    std::tie(ec, std::ignore) = co_await bhttp::async_write(stream, req, use_tuple);
    if (ec) throw std::runtime_error("write: " + ec.message());
    std::tie(ec, std::ignore) = co_await bhttp::async_read(stream, buffer, res, use_tuple);
    if (ec) throw std::runtime_error("read: " + ec.message());
    out.status = res.result_int();
    out.body = res.body();
    for (const auto& f : res) {
        std::string name(f.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        out.headers.emplace(name, std::string(f.value()));
    }
    co_return out;
}

}  // namespace

http_reply https_get(const https_request& r) {
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_verify_mode(ssl::verify_peer);
    if (!r.ca_file.empty()) ctx.load_verify_file(r.ca_file);
    asio::io_context io;
    std::exception_ptr error;
    http_reply reply;
    auto done = [&](std::exception_ptr e, http_reply rep) {
        error = e;
        reply = std::move(rep);
    };
    asio::co_spawn(io, exchange(ctx, r), done);
    io.run_for(std::chrono::seconds(15));
    if (error) std::rethrow_exception(error);
    if (reply.status == 0) throw std::runtime_error("https_get: timed out");
    return reply;
}

}  // namespace runhub::test
