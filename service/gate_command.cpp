// `runhub gate`: start a run through runhub (or watch one), wait for it, report it, exit with
// its outcome. One thread, one io_context, runhub's own HTTP client (TLS verified).
#include "gate_command.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <vector>

#include "gate/gate_answers.hpp"
#include "gate/gate_settings.hpp"
#include "gate/junit_report.hpp"
#include "http/client.hpp"

namespace runhub::service {

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using gclock = http::client::clock;
using ms = std::chrono::milliseconds;

using namespace ci_gate;
using settings = gate_settings;

std::string utc_now() {
    auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void progress(const std::string& line) { std::cout << utc_now() << " " << line << std::endl; }
void complain(const std::string& line) { std::cerr << "runhub gate: " << line << std::endl; }

constexpr ms long_poll_max{30'000};     // ?wait= of each look at the run
constexpr ms exchange_slack{15'000};    // beyond the wait, for runhub and the vendor
constexpr ms backoff_first{250};        // after the first failure in a row
constexpr ms backoff_cap{5'000};        // never waits longer between tries
constexpr ms after_end_budget{30'000};  // reading the failures / cancelling after the wait

// One request of the gate, as call() tries it.
struct exchange {
    std::string method = "GET";
    std::string path;
    std::string body;
    std::string what;  // for messages: "reading run zof:r1"
    gclock::time_point until;
    ms per_try{15'000};
    bool retry_404 = false;
    bool idempotent_trigger = false;  // POST /v1/runs: carries the Idempotency-Key
};

class gate {
  public:
    gate(http::client& client, settings s) : client_(client), s_(std::move(s)), rng_(seed()) {}

    asio::awaitable<int> run();

  private:
    enum class verdict { answered, refused, retry };

    static std::uint32_t seed() {
        std::random_device rd;
        return rd();
    }

    http::client_request request(std::string method, std::string path, std::string body = "") {
        http::client_request req;
        req.method = std::move(method);
        req.url = s_.base_url + path;
        req.headers.add("Authorization", "Bearer " + s_.api_key);
        req.headers.add("Accept", "application/json");
        if (!body.empty()) {
            req.headers.add("Content-Type", "application/json");
            req.body = std::move(body);
        }
        return req;
    }

    // 2xx answers; 401/403, the caller's mistakes and 501 (the vendor cannot do it) are
    // refused; runhub's or the vendor's failures (no answer, 408, 429, other 5xx) are tried
    // again, as is 404 when `retry_404`.
    static verdict classify(const http::client_result& r, bool retry_404) {
        if (!r.response) return verdict::retry;
        const int st = r.response->status;
        if (st >= 200 && st < 300) return verdict::answered;
        if (st == 408 || st == 429 || (st >= 500 && st != 501)) return verdict::retry;
        if (st == 404 && retry_404) return verdict::retry;
        return verdict::refused;
    }

    // The wait before the next try: exponential with jitter, or runhub's Retry-After.
    ms backoff(const http::client_result& r) {
        if (r.response)
            if (auto hint = http::wait_hint(*r.response, std::chrono::system_clock::now()))
                return std::clamp(*hint, ms(100), ms(30'000));
        const int shift = std::min(failures_in_row_, 5);
        const auto ceiling = std::min<ms>(backoff_cap, backoff_first * (1 << shift));
        std::uniform_int_distribution<long long> d(ceiling.count() / 2, ceiling.count());
        return ms(d(rng_));
    }

    void note_failure(const http::client_result& r, const std::string& what) {
        ++failures_in_row_;
        last_problem_ = what + ": " + describe(r);
        if (!down_since_) {
            down_since_ = gclock::now();
            complain(last_problem_ + "; trying again");
        }
    }

    void note_answer() {
        failures_in_row_ = 0;
        if (down_since_) {
            progress("runhub answers again after " +
                     format_duration(std::chrono::duration_cast<ms>(gclock::now() - *down_since_)));
            down_since_.reset();
        }
    }

    asio::awaitable<void> sleep_until(gclock::time_point t) {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        timer.expires_at(t);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }

    // One exchange, tried again after failures (see classify) until `x.until`; each try gets at
    // most `x.per_try`. The last result; `how` tells how it ended.
    asio::awaitable<http::client_result> call(const exchange& x, verdict& how) {
        http::client_result r;
        http::client_request req;
        gclock::time_point try_deadline;
        gclock::time_point next;
        for (;;) {
            req = request(x.method, x.path, x.body);
            if (x.idempotent_trigger && !s_.idempotency_key.empty())
                req.headers.add("Idempotency-Key", s_.idempotency_key);
            try_deadline = std::min(x.until, gclock::now() + x.per_try);
            r = co_await client_.send(req, try_deadline);
            how = classify(r, x.retry_404);
            if (how != verdict::retry) {
                note_answer();
                co_return r;
            }
            if (gclock::now() >= x.until) {
                // A try cut by the end of our own time is no sign that runhub is down.
                if (r.response || r.error != http::upstream_error_kind::timeout ||
                    try_deadline != x.until)
                    note_failure(r, x.what);
                co_return r;
            }
            note_failure(r, x.what);
            next = std::min(x.until, gclock::now() + backoff(r));
            co_await sleep_until(next);
            if (gclock::now() >= x.until) co_return r;
        }
    }

    asio::awaitable<int> start(run_view& run, gclock::time_point deadline);
    asio::awaitable<int> finish(const run_view& run);
    asio::awaitable<int> timed_out(const run_view& run);
    int give_up_unanswered(bool budget_spent);
    void write_junit(const run_view& run, const std::vector<failure_view>& failures,
                     const std::vector<synthetic_error>& errors);

    http::client& client_;
    settings s_;
    std::minstd_rand rng_;
    int failures_in_row_ = 0;
    std::optional<gclock::time_point> down_since_;
    std::string last_problem_;
    gclock::time_point started_at_ = gclock::now();
};

int gate::give_up_unanswered(bool budget_spent) {
    if (down_since_ || budget_spent) {
        complain("runhub did not answer" +
                 (down_since_ ? " for " + format_duration(std::chrono::duration_cast<ms>(
                                              gclock::now() - *down_since_))
                              : std::string()) +
                 (last_problem_.empty() ? "" : " (" + last_problem_ + ")") + ": giving up");
        return gate_unreachable;
    }
    complain("timed out after " + format_duration(s_.timeout) + " before runhub answered");
    return gate_timed_out;
}

void gate::write_junit(const run_view& run, const std::vector<failure_view>& failures,
                       const std::vector<synthetic_error>& errors) {
    if (s_.junit.empty()) return;
    std::string why;
    if (write_file(s_.junit, junit_xml(run, failures, errors), why))
        progress("JUnit XML written to " + s_.junit);
    else
        complain("cannot write " + s_.junit + ": " + why);
}

// Starts the run (POST /v1/runs) or reads the one named by --run. 0 when `run` is filled.
asio::awaitable<int> gate::start(run_view& run, gclock::time_point deadline) {
    verdict how = verdict::retry;
    http::client_result r;
    std::optional<run_view> got;
    json::object payload;
    exchange x;
    std::string line;
    x.until = std::min(deadline, started_at_ + s_.retry_for);
    if (!s_.run_id.empty()) {
        x.path = "/v1/runs/" + encode(s_.run_id);
        x.what = "reading run " + s_.run_id;
    } else {
        payload["source"] = s_.source;
        payload["target"] = s_.target;
        x.method = "POST";
        x.path = "/v1/runs";
        x.body = json::serialize(payload);
        x.what = "starting a run on " + s_.source;
        x.per_try = 2 * exchange_slack;
        x.idempotent_trigger = true;
    }
    r = co_await call(x, how);
    if (how == verdict::retry) co_return give_up_unanswered(x.until < deadline);
    if (how == verdict::refused) {
        const int st = r.response->status;
        if (st == 401 || st == 403)
            complain("runhub refused the API key (" + describe(r) + ")");
        else if (st == 404 && !s_.run_id.empty())
            complain("no run " + s_.run_id + " (" + describe(r) + ")");
        else if (st == 501)
            complain("source " + s_.source + " cannot start runs (" + describe(r) + ")");
        else
            complain("runhub refused the request (" + describe(r) + ")");
        co_return gate_usage;
    }
    got = run_of(r.response->body);
    if (!got) {
        complain("runhub answered something that is not a run: " + r.response->body.substr(0, 200));
        co_return gate_unreachable;
    }
    run = std::move(*got);
    if (s_.run_id.empty()) {
        const bool replayed = r.response->headers.get("Idempotent-Replayed").value_or("") == "true";
        line = (replayed ? "resumed " : "started ") + run.id + " on " + s_.source;
        if (!s_.idempotency_key.empty())
            line += " (Idempotency-Key " + s_.idempotency_key + (replayed ? ", replayed)" : ")");
    } else {
        line = "watching " + run.id;
    }
    if (!run.web_url.empty()) line += " " + run.web_url;
    progress(line);
    co_return 0;
}

asio::awaitable<int> gate::run() {
    const auto deadline = started_at_ + s_.timeout;
    run_view run;
    std::optional<run_view> got;
    std::string known;
    std::string path;
    http::client_request req;
    http::client_result r;
    verdict how = verdict::retry;
    gclock::time_point asked_at;
    gclock::time_point try_deadline;
    gclock::time_point next;
    long long wait_s = 0;

    const int begun = co_await start(run, deadline);
    if (begun != 0) co_return begun;
    known = run.status;
    progress(run.id + " " + run.status + counts_text(run));

    // Long-polls: runhub answers when the status differs from the one we know, when the run
    // ends, or when the wait is over. An answer that comes back at once with nothing new (a
    // runhub without ?wait=) is followed by a pause of --poll, so runhub is never hammered.
    while (!run.terminal) {
        asked_at = gclock::now();
        if (asked_at >= deadline) break;
        wait_s =
            std::chrono::duration_cast<std::chrono::seconds>(deadline - asked_at + 999ms).count();
        wait_s = std::clamp<long long>(wait_s, 1, long_poll_max.count() / 1000);
        path = "/v1/runs/" + encode(run.id) + "?wait=" + std::to_string(wait_s) +
               "s&status=" + encode(known);
        req = request("GET", path);
        try_deadline = std::min(deadline, asked_at + std::chrono::seconds(wait_s) + exchange_slack);
        r = co_await client_.send(req, try_deadline);
        how = classify(r, true);
        if (how == verdict::answered) {
            got = run_of(r.response->body);
            if (got) {
                note_answer();
                run = std::move(*got);
                if (run.status != known) {
                    known = run.status;
                    progress(run.id + " " + run.status + counts_text(run));
                }
                if (run.terminal) break;
                next = std::min(deadline, asked_at + s_.poll);
                if (gclock::now() < next) co_await sleep_until(next);
                continue;
            }
            how = verdict::retry;
        }
        if (how == verdict::refused) {
            const int st = r.response->status;
            complain(st == 401 || st == 403
                         ? "runhub refused the API key while waiting (" + describe(r) + ")"
                         : "runhub refused to show " + run.id + " (" + describe(r) + ")");
            co_return gate_usage;
        }
        // No answer, a 5xx, or a run runhub cannot find (yet): runhub restarting, the vendor
        // failing. Tried again with backoff until the timeout.
        if (gclock::now() >= deadline && !r.response &&
            r.error == http::upstream_error_kind::timeout && try_deadline == deadline)
            break;  // our own time ran out during a long-poll
        note_failure(r, "waiting for " + run.id);
        next = std::min(deadline, gclock::now() + backoff(r));
        co_await sleep_until(next);
    }
    if (!run.terminal) co_return co_await timed_out(run);
    co_return co_await finish(run);
}

asio::awaitable<int> gate::timed_out(const run_view& run) {
    const bool unreachable = down_since_.has_value();
    const std::string problem = last_problem_;
    verdict how = verdict::retry;
    http::client_result r;
    std::optional<run_view> got;
    std::vector<synthetic_error> errors;
    std::string note;
    exchange x;
    if (s_.cancel_on_timeout) {
        x.method = "POST";
        x.path = "/v1/runs/" + encode(run.id) + "/cancel";
        x.what = "canceling " + run.id;
        x.until = gclock::now() + after_end_budget;
        r = co_await call(x, how);
        if (how == verdict::answered && (got = run_of(r.response->body)))
            progress(got->id + " " + got->status + counts_text(*got) +
                     " (canceled by --cancel-on-timeout)");
        else if (how == verdict::refused && r.response->status == 409)
            progress(run.id + " had already ended; not canceled");
        else
            complain("could not cancel " + run.id + " (" + describe(r) + ")");
    }
    if (unreachable) {
        note = "runhub did not answer (" + problem + ") when the timeout of " +
               format_duration(s_.timeout) + " passed; " + run.id + " was last seen " + run.status;
    } else {
        note =
            "timed out after " + format_duration(s_.timeout) + "; " + run.id + " is " + run.status;
    }
    if (!s_.cancel_on_timeout) note += " and left running (--cancel-on-timeout cancels it)";
    complain(note);
    errors.push_back({"runhub gate", note});
    write_junit(run, {}, errors);
    co_return unreachable ? gate_unreachable : gate_timed_out;
}

asio::awaitable<int> gate::finish(const run_view& run) {
    std::vector<failure_view> failures;
    std::optional<std::vector<failure_view>> parsed;
    bool failures_known = false;
    std::vector<synthetic_error> errors;
    verdict how = verdict::retry;
    http::client_result r;
    int code = gate_failed;
    std::string why;
    exchange x;

    if (!s_.junit.empty() || s_.max_failures >= 0 || run.status != "passed") {
        x.path = "/v1/runs/" + encode(run.id) + "/failures";
        x.what = "reading the failures of " + run.id;
        x.until = gclock::now() + after_end_budget;
        r = co_await call(x, how);
        if (how == verdict::answered && (parsed = failures_of(r.response->body))) {
            failures = std::move(*parsed);
            failures_known = true;
        } else if (how == verdict::refused && r.response->status == 501) {
            progress("the vendor of " + run.id + " does not list failures");
        } else {
            complain("could not read the failures of " + run.id + " (" + describe(r) + ")");
        }
    }
    const std::size_t shown = std::min<std::size_t>(failures.size(), 20);
    for (std::size_t i = 0; i < shown; ++i)
        std::cout << "  FAILED " << failures[i].name
                  << (failures[i].message.empty() ? "" : ": " + failures[i].message) << "\n";
    if (failures.size() > shown) std::cout << "  … and " << failures.size() - shown << " more\n";
    std::cout.flush();

    if (run.status == "passed")
        code = gate_passed;
    else if (run.status == "canceled")
        code = gate_canceled;
    else
        code = gate_failed;  // failed, error, stale, or a status this gate does not know

    // --max-failures N: up to N failed tests are tolerated, in a passed run and in a failed
    // one (never in an errored one); more than N fail the gate.
    if (s_.max_failures >= 0 && (run.status == "passed" || run.status == "failed")) {
        const long long counted = run.counts ? run.counts->failed : 0;
        const long long n = std::max(counted, static_cast<long long>(failures.size()));
        const bool known = run.counts.has_value() || failures_known;
        if (n > s_.max_failures) {
            why = "--max-failures " + std::to_string(s_.max_failures) + ": " + std::to_string(n) +
                  " tests failed";
            code = gate_failed;
        } else if (run.status == "failed" && known && n >= 1) {
            progress(std::to_string(n) + " failed test(s) tolerated by --max-failures " +
                     std::to_string(s_.max_failures));
            code = gate_passed;
        }
    }
    // --min-tests N: fewer than N tests (or an unknown number) fail a run that would pass.
    if (code == gate_passed && s_.min_tests >= 0) {
        if (!run.counts)
            why = "--min-tests " + std::to_string(s_.min_tests) +
                  ": the vendor did not say how many tests ran";
        else if (run.counts->total < s_.min_tests)
            why = "--min-tests " + std::to_string(s_.min_tests) + ": only " +
                  std::to_string(run.counts->total) + " tests ran";
        if (!why.empty()) code = gate_failed;
    }
    if (!why.empty()) {
        complain("gate tripped: " + why);
        errors.push_back({"runhub gate", "gate tripped: " + why});
    }
    if (failures.empty() && run.status != "passed" && errors.empty())
        errors.push_back({"runhub gate", run.id + " ended " + run.status});
    write_junit(run, failures, errors);
    progress(run.id + " " + run.status + counts_text(run) +
             (run.duration_ms ? " in " + format_duration(ms(*run.duration_ms)) : "") + ": exit " +
             std::to_string(code));
    co_return code;
}

}  // namespace

void add_gate_options(CLI::App& cmd, gate_flags& f) {
    cmd.add_option("--url", f.url, "The runhub facade: http(s)://HOST[:PORT][/PREFIX]");
    cmd.add_option("--source", f.source, "Start a run on this source (with --target)");
    cmd.add_option("--target", f.target,
                   "The vendor's target as a JSON object, e.g. "
                   "'{\"project_id\": \"prj_1\", \"environment\": \"staging\", "
                   "\"test_suite_id\": \"ts_1\"}'");
    cmd.add_option("--run", f.run_id, "Watch this run (an id from runhub) instead of starting one");
    cmd.add_option("--api-key-file", f.api_key_file,
                   "Read the API key from this file (trailing newlines dropped); wins over "
                   "RUNHUB_API_KEY");
    cmd.add_option("--idempotency-key", f.idempotency_key,
                   "Idempotency-Key of the trigger (default: from the CI job's id, see README; "
                   "\"\" sends none)");
    cmd.add_option("--timeout", f.timeout, "Give up waiting after this long (default 30m)");
    cmd.add_option("--junit", f.junit, "Write the run's failures here as JUnit XML");
    cmd.add_option("--max-failures", f.max_failures,
                   "Tolerate up to N failed tests; more fail the gate");
    cmd.add_option("--min-tests", f.min_tests, "Fail unless at least N tests ran");
    cmd.add_flag("--cancel-on-timeout", f.cancel_on_timeout,
                 "Cancel the run when --timeout passes (default: leave it running)");
    cmd.add_option("--poll", f.poll,
                   "Look at the run at most this often (default 2s; runhub long-polls between)");
    cmd.add_option("--retry-for", f.retry_for,
                   "How long runhub may stay unreachable before the run is started (default "
                   "2m, at most --timeout); once started, the gate retries until --timeout");
    cmd.add_option("--ca-file", f.ca_file, "PEM bundle to trust for an https --url");
}

int run_gate(gate_flags flags) {
    settings s;
    auto problems = to_settings(flags, s);
    for (const auto& p : problems) complain(p);
    if (!problems.empty()) return gate_usage;

    asio::io_context io(1);
    http::client_options opts;
    opts.ca_file = s.ca_file;
    opts.max_connections_per_origin = 2;
    opts.user_agent = std::string("runhub-gate/") + RUNHUB_VERSION;
    std::unique_ptr<http::client> client;
    try {
        client = std::make_unique<http::client>(io.get_executor(), opts);
    } catch (const std::exception& e) {
        complain(std::string("--ca-file: ") + e.what());
        return gate_usage;
    }
    gate g(*client, std::move(s));
    int code = gate_unreachable;
    asio::co_spawn(io, g.run(), [&](std::exception_ptr e, int c) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                complain(std::string("internal error: ") + ex.what());
            }
        } else {
            code = c;
        }
        io.stop();  // pooled connections may still hold timers
    });
    io.run();
    return code;
}

}  // namespace runhub::service
