#include "cache/resp_connection.hpp"

#include <hiredis.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/system_error.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <cstdlib>
#include <deque>

namespace runhub::cache {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string redis_endpoint::text() const {
    bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" + std::to_string(db);
}

std::optional<redis_endpoint> parse_redis_url(std::string_view url, std::string* why) {
    auto fail = [why](const char* reason) -> std::optional<redis_endpoint> {
        if (why) *why = reason;
        return std::nullopt;
    };
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) return fail("is not a URL (redis://HOST:PORT[/DB])");
    const auto& u = *parsed;
    if (u.scheme() != "redis") return fail("must start with redis://");
    if (u.has_userinfo()) return fail("must not hold credentials");
    if (u.has_query() || u.has_fragment()) return fail("must have no query or fragment");
    redis_endpoint ep;
    ep.host = u.host_address();
    if (ep.host.empty()) return fail("has no host");
    if (u.has_port()) {
        if (u.port_number() == 0) return fail("has no valid port (1..65535)");
        ep.port = u.port_number();
    }
    std::string_view path = u.encoded_path();
    if (!path.empty() && path != "/") {
        std::string_view digits = path.substr(1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), ep.db);
        if (ec != std::errc{} || end != digits.data() + digits.size() || ep.db < 0 ||
            digits.size() > 5)
            return fail("has a database that is not a number (redis://HOST:PORT/DB)");
    }
    return ep;
}

std::string_view to_string(resp_failure f) {
    switch (f) {
        case resp_failure::none:
            return "ok";
        case resp_failure::down:
            return "down";
        case resp_failure::timeout:
            return "timeout";
        case resp_failure::overloaded:
            return "overloaded";
        case resp_failure::lost:
            return "connection lost";
    }
    return "down";
}

std::string resp_connection::encode(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    argv.reserve(args.size());
    lens.reserve(args.size());
    for (const auto& a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    char* cmd = nullptr;
    int n = redisFormatCommandArgv(&cmd, static_cast<int>(args.size()), argv.data(), lens.data());
    if (n < 0 || !cmd) throw std::bad_alloc();
    std::string out(cmd, static_cast<std::size_t>(n));
    redisFreeCommand(cmd);
    return out;
}

namespace {

using reply_ptr = std::shared_ptr<const resp_reply>;
using reply_channel =
    asio::experimental::concurrent_channel<void(boost::system::error_code, reply_ptr)>;

resp_reply convert(const redisReply& r) {
    resp_reply out;
    switch (r.type) {
        case REDIS_REPLY_STRING:
            out.type = resp_reply::kind::string;
            out.str.assign(r.str, r.len);
            break;
        case REDIS_REPLY_STATUS:
            out.type = resp_reply::kind::status;
            out.str.assign(r.str, r.len);
            break;
        case REDIS_REPLY_ERROR:
            out.type = resp_reply::kind::error;
            out.str.assign(r.str, r.len);
            break;
        case REDIS_REPLY_INTEGER:
            out.type = resp_reply::kind::integer;
            out.integer = r.integer;
            break;
        case REDIS_REPLY_ARRAY:
            out.type = resp_reply::kind::array;
            out.elements.reserve(r.elements);
            for (std::size_t i = 0; i < r.elements; ++i)
                out.elements.push_back(convert(*r.element[i]));
            break;
        default:
            out.type = resp_reply::kind::nil;
    }
    return out;
}

struct pending {
    std::shared_ptr<reply_channel> ch;  // null: a handshake command (its reply is checked there)
    steady::time_point sent;
};

// One TCP connection and everything tied to it; replaced whole on reconnect, so that a late
// completion of an old connection can only touch its own (still alive) state.
struct link {
    explicit link(asio::strand<asio::io_context::executor_type> s)
        : sock(s), reader(redisReaderCreate()) {}
    ~link() {
        if (reader) redisReaderFree(reader);
    }
    link(const link&) = delete;
    link& operator=(const link&) = delete;

    tcp::socket sock;
    redisReader* reader;
    std::deque<pending> inflight;  // sent (or queued), replies awaited in this order
    std::string out;               // queued, not yet being written
    std::string writing;           // being written
    bool write_busy = false;
    bool dead = false;
    std::array<char, 16384> buf{};
};

}  // namespace

struct resp_connection::impl : std::enable_shared_from_this<impl> {
    impl(asio::io_context& io, resp_options o)
        : strand(asio::make_strand(io)),
          opts(std::move(o)),
          retry_timer(strand),
          watchdog_timer(strand) {}

    asio::strand<asio::io_context::executor_type> strand;
    resp_options opts;
    asio::steady_timer retry_timer;
    asio::steady_timer watchdog_timer;

    // Strand only.
    std::shared_ptr<link> current;  // null while down
    bool stopped = false;
    bool in_outage = false;
    steady::time_point outage_began{};
    std::string last_reason;

    // Any thread.
    std::atomic<bool> is_up{false};
    std::atomic<int> consecutive_timeouts{0};
    std::atomic<std::uint64_t> n_connects{0}, n_outages{0};

    void begin_outage(const std::string& reason) {
        last_reason = reason;
        if (in_outage || stopped) return;
        in_outage = true;
        outage_began = steady::now();
        n_outages.fetch_add(1, std::memory_order_relaxed);
        spdlog::warn(
            "cache: redis {} unavailable ({}); serving from memory, reconnecting with backoff up "
            "to {} ms",
            opts.endpoint.text(), reason, opts.backoff_max.count());
    }

    void end_outage() {
        n_connects.fetch_add(1, std::memory_order_relaxed);
        if (!in_outage) {
            spdlog::info("cache: redis {} connected", opts.endpoint.text());
            return;
        }
        in_outage = false;
        auto ms = std::chrono::duration_cast<milliseconds>(steady::now() - outage_began).count();
        spdlog::warn("cache: redis {} recovered after {} ms down", opts.endpoint.text(), ms);
    }

    // Tears the connection down: every command waiting on it fails (lost). Strand only.
    void fail_link(const std::shared_ptr<link>& l, const std::string& reason) {
        if (!l || l->dead) return;
        l->dead = true;
        boost::system::error_code ignored;
        l->sock.shutdown(tcp::socket::shutdown_both, ignored);
        l->sock.close(ignored);
        for (auto& p : l->inflight)
            if (p.ch) p.ch->try_send(asio::error::connection_reset, nullptr);
        l->inflight.clear();
        if (current == l) {
            current.reset();
            is_up.store(false);
            begin_outage(reason);
        }
    }

    void start_write(const std::shared_ptr<link>& l) {
        if (l->write_busy || l->out.empty() || l->dead) return;
        l->writing.clear();
        l->writing.swap(l->out);
        l->write_busy = true;
        auto self = shared_from_this();
        auto done = [self, l](boost::system::error_code ec, std::size_t) {
            l->write_busy = false;
            if (ec) return self->fail_link(l, "write failed: " + ec.message());
            self->start_write(l);
        };
        asio::async_write(l->sock, asio::buffer(l->writing), asio::bind_executor(strand, done));
    }

    // Strand only: queue one command on the live connection, or fail it at once.
    void enqueue(std::string wire, std::shared_ptr<reply_channel> ch) {
        auto l = current;
        if (!l || l->dead) {
            ch->try_send(asio::error::not_connected, nullptr);
            return;
        }
        if (l->inflight.size() >= opts.max_pending) {
            ch->try_send(asio::error::no_buffer_space, nullptr);
            return;
        }
        l->inflight.push_back(pending{std::move(ch), steady::now()});
        l->out += wire;
        start_write(l);
    }

    // Decodes what arrived; false (and `why`) on a protocol error or an unexpected reply.
    // `handshake`: replies (to SELECT, PING) counted down and checked, not delivered.
    bool decode(link& l, std::size_t n, int* handshake, std::string& why) {
        if (redisReaderFeed(l.reader, l.buf.data(), n) != REDIS_OK) {
            why = std::string("protocol error: ") + l.reader->errstr;
            return false;
        }
        for (;;) {
            void* raw = nullptr;
            if (redisReaderGetReply(l.reader, &raw) != REDIS_OK) {
                why = std::string("protocol error: ") + l.reader->errstr;
                return false;
            }
            if (!raw) return true;
            std::unique_ptr<redisReply, void (*)(void*)> r(static_cast<redisReply*>(raw),
                                                           freeReplyObject);
            if (l.inflight.empty()) {
                why = "a reply nobody asked for";
                return false;
            }
            auto p = std::move(l.inflight.front());
            l.inflight.pop_front();
            if (handshake && *handshake > 0) {
                --*handshake;
                if (r->type == REDIS_REPLY_ERROR) {
                    why = "handshake refused: " + std::string(r->str, r->len);
                    return false;
                }
                continue;
            }
            consecutive_timeouts.store(0, std::memory_order_relaxed);
            if (p.ch)
                p.ch->try_send(boost::system::error_code{},
                               std::make_shared<const resp_reply>(convert(*r)));
        }
    }

    // Connects, selects the database and pings, all before `connect_timeout`. Strand only.
    asio::awaitable<std::shared_ptr<link>> connect_once(std::string& why) {
        auto self = shared_from_this();
        auto l = std::make_shared<link>(strand);
        // The limit's handler may run after this frame is gone (fired just before cancel()):
        // it shares only `attempt` and the link.
        struct attempt_state {
            bool done = false;
            bool timed_out = false;
        };
        auto attempt = std::make_shared<attempt_state>();
        asio::steady_timer limit(strand, opts.connect_timeout);
        auto on_limit = [l, attempt](boost::system::error_code ec) {
            if (ec || attempt->done) return;
            attempt->timed_out = true;
            boost::system::error_code ignored;
            l->sock.close(ignored);
        };
        limit.async_wait(std::move(on_limit));
        const bool& timed_out = attempt->timed_out;
        tcp::resolver resolver(strand);
        auto resolve =
            resolver.async_resolve(opts.endpoint.host, std::to_string(opts.endpoint.port),
                                   asio::as_tuple(asio::use_awaitable));
        auto [rec, endpoints] = co_await std::move(resolve);
        if (rec || timed_out) {
            attempt->done = true;
            limit.cancel();
            why = "cannot resolve " + opts.endpoint.host + ": " +
                  (timed_out ? std::string("timed out") : rec.message());
            co_return nullptr;
        }
        auto connect = asio::async_connect(l->sock, endpoints, asio::as_tuple(asio::use_awaitable));
        auto [cec, ep] = co_await std::move(connect);
        if (cec || timed_out) {
            attempt->done = true;
            limit.cancel();
            why = timed_out ? std::string("connect timed out") : "connect: " + cec.message();
            co_return nullptr;
        }
        boost::system::error_code ignored;
        l->sock.set_option(tcp::no_delay(true), ignored);
        int handshake = 0;
        if (opts.endpoint.db != 0) {
            std::vector<std::string> select{"SELECT", std::to_string(opts.endpoint.db)};
            l->out += encode(select);
            l->inflight.push_back(pending{nullptr, steady::now()});
            ++handshake;
        }
        std::vector<std::string> ping{"PING"};
        l->out += encode(ping);
        l->inflight.push_back(pending{nullptr, steady::now()});
        ++handshake;
        start_write(l);
        while (handshake > 0) {
            auto read =
                l->sock.async_read_some(asio::buffer(l->buf), asio::as_tuple(asio::use_awaitable));
            auto [ec, n] = co_await std::move(read);
            if (ec || timed_out || l->dead) {
                why = timed_out ? std::string("no answer to PING within the connect timeout")
                                : "handshake: " + (ec ? ec.message() : std::string("write failed"));
                attempt->done = true;
                limit.cancel();
                l->dead = true;
                l->sock.close(ignored);
                co_return nullptr;
            }
            if (!decode(*l, n, &handshake, why)) {
                attempt->done = true;
                limit.cancel();
                l->dead = true;
                l->sock.close(ignored);
                co_return nullptr;
            }
        }
        attempt->done = true;
        limit.cancel();
        co_return l;
    }

    // Reads replies until the connection fails. Strand only.
    asio::awaitable<void> read_loop(std::shared_ptr<link> l) {
        std::string why;
        for (;;) {
            auto read =
                l->sock.async_read_some(asio::buffer(l->buf), asio::as_tuple(asio::use_awaitable));
            auto [ec, n] = co_await std::move(read);
            if (l->dead) co_return;
            if (ec) {
                why = ec == asio::error::eof ? std::string("closed by the server")
                                             : "read: " + ec.message();
                break;
            }
            if (!decode(*l, n, nullptr, why)) break;
        }
        fail_link(l, why);
    }

    asio::awaitable<void> run() {
        auto self = shared_from_this();
        milliseconds backoff = opts.backoff_min;
        std::string why;
        while (!stopped) {
            auto attempt = connect_once(why);
            auto l = co_await std::move(attempt);
            if (stopped) break;
            if (l) {
                backoff = opts.backoff_min;
                consecutive_timeouts.store(0);
                current = l;
                is_up.store(true);
                end_outage();
                auto reading = read_loop(l);
                co_await std::move(reading);
                if (stopped) break;
            } else {
                begin_outage(why);
            }
            retry_timer.expires_after(backoff);
            auto wait = retry_timer.async_wait(asio::as_tuple(asio::use_awaitable));
            co_await std::move(wait);
            backoff = std::min(backoff * 2, opts.backoff_max);
        }
    }

    // Declares a connection dead when the server stopped answering. Strand only.
    asio::awaitable<void> watchdog() {
        auto self = shared_from_this();
        const milliseconds tick = std::max(milliseconds(10), opts.stall_timeout / 4);
        while (!stopped) {
            watchdog_timer.expires_after(tick);
            auto wait = watchdog_timer.async_wait(asio::as_tuple(asio::use_awaitable));
            co_await std::move(wait);
            auto l = current;
            if (stopped || !l || l->dead) continue;
            if (!l->inflight.empty() &&
                steady::now() - l->inflight.front().sent > opts.stall_timeout)
                fail_link(l, "no reply for " + std::to_string(opts.stall_timeout.count()) + " ms");
            else if (consecutive_timeouts.load() >= opts.max_consecutive_timeouts)
                fail_link(l, std::to_string(opts.max_consecutive_timeouts) +
                                 " commands in a row past their deadline");
        }
    }

    void shut() {
        if (stopped) return;
        stopped = true;
        retry_timer.cancel();
        watchdog_timer.cancel();
        auto l = current;
        if (l) {
            l->dead = true;
            boost::system::error_code ignored;
            l->sock.close(ignored);
            for (auto& p : l->inflight)
                if (p.ch) p.ch->try_send(asio::error::connection_reset, nullptr);
            l->inflight.clear();
        }
        current.reset();
        is_up.store(false);
    }
};

resp_connection::resp_connection(asio::io_context& io, resp_options options)
    : impl_(std::make_shared<impl>(io, std::move(options))) {
    auto running = impl_->run();
    asio::co_spawn(impl_->strand, std::move(running), asio::detached);
    auto watching = impl_->watchdog();
    asio::co_spawn(impl_->strand, std::move(watching), asio::detached);
}

resp_connection::~resp_connection() { stop(); }

void resp_connection::stop() {
    auto self = impl_;
    asio::post(impl_->strand, [self] { self->shut(); });
}

bool resp_connection::up() const { return impl_->is_up.load(); }
std::uint64_t resp_connection::connects() const { return impl_->n_connects.load(); }
std::uint64_t resp_connection::outages() const { return impl_->n_outages.load(); }
const redis_endpoint& resp_connection::endpoint() const { return impl_->opts.endpoint; }

asio::awaitable<resp_result> resp_connection::command(std::vector<std::string> args,
                                                      steady::time_point deadline) {
    resp_result out;
    if (!impl_->is_up.load()) {
        out.failure = resp_failure::down;
        co_return out;
    }
    auto ex = co_await asio::this_coro::executor;
    auto self = impl_;
    auto ch = std::make_shared<reply_channel>(ex, 1);
    std::string wire = encode(args);
    auto send = [self, ch, wire = std::move(wire)]() mutable {
        self->enqueue(std::move(wire), std::move(ch));
    };
    asio::post(impl_->strand, std::move(send));

    asio::steady_timer timer(ex, deadline);
    auto wake = [ch](boost::system::error_code ec) {
        if (!ec) ch->try_send(asio::error::timed_out, nullptr);
    };
    timer.async_wait(std::move(wake));
    auto receive = ch->async_receive(asio::as_tuple(asio::use_awaitable));
    auto [ec, reply] = co_await std::move(receive);
    timer.cancel();
    if (ec == asio::experimental::error::channel_cancelled || ec == asio::error::operation_aborted)
        throw boost::system::system_error(asio::error::operation_aborted);
    if (ec == asio::error::timed_out) {
        impl_->consecutive_timeouts.fetch_add(1, std::memory_order_relaxed);
        out.failure = resp_failure::timeout;
    } else if (ec == asio::error::not_connected) {
        out.failure = resp_failure::down;
    } else if (ec == asio::error::no_buffer_space) {
        out.failure = resp_failure::overloaded;
    } else if (ec || !reply) {
        out.failure = resp_failure::lost;
    } else {
        out.reply = *reply;
    }
    co_return out;
}

}  // namespace runhub::cache
