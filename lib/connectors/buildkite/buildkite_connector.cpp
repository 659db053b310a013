#include "connectors/buildkite/buildkite_connector.hpp"

#include <boost/json.hpp>
#include <boost/url.hpp>

#include "connectors/buildkite/buildkite_mapping.hpp"
#include "connectors/buildkite/buildkite_paging.hpp"
#include "connectors/common/bearer_get.hpp"
#include "connectors/common/json_access.hpp"

namespace runhub::connectors::buildkite {

namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// Pages of failed executions read for one run at most (100 each).
constexpr int max_failure_pages = 10;

connector_error malformed(std::string detail) {
    connector_error e;
    e.kind = http::upstream_error_kind::malformed;
    e.detail = "buildkite: " + std::move(detail);
    return e;
}

std::string scope_of(const source_config& s, const char* key) {
    auto it = s.scope.find(key);
    return it == s.scope.end() ? std::string() : it->second;
}

class buildkite_connector final : public connector {
  public:
    buildkite_connector(source_config src, connector_deps deps)
        : src_(std::move(src)),
          deps_(std::move(deps)),
          org_(scope_of(src_, "org")),
          suite_(scope_of(src_, "suite")) {}

    const source_config& source() const override { return src_; }

    asio::awaitable<outcome<run_page>> list(list_query q, std::string position, int limit,
                                            clock::time_point deadline) override {
        using result = outcome<run_page>;
        auto at = start_position(position, limit);
        if (!at) {
            connector_error e;
            e.kind = http::upstream_error_kind::client;
            e.detail = "buildkite: unknown position";
            co_return result::failure(e);
        }
        auto url = list_url(src_.base_url, org_, suite_, *at);
        auto r = co_await fetch(url, deadline);
        if (!r.ok()) co_return result::failure(r.error);
        co_return parse_list_page(r.value->body, r.value->headers.get("Link"), q, src_.name, suite_,
                                  *at);
    }

    asio::awaitable<outcome<model::run>> get(std::string native_id,
                                             clock::time_point deadline) override {
        using result = outcome<model::run>;
        auto url = run_url(native_id, false);
        auto r = co_await fetch(url, deadline);
        if (!r.ok()) co_return result::failure(r.error);
        auto doc = parse_json_doc(r.value->body);
        if (!doc) co_return result::failure(malformed("run body is not JSON"));
        co_return map_run(*doc, src_.name, suite_, doc);
    }

    asio::awaitable<outcome<std::vector<model::test_failure>>> failures(
        std::string native_id, clock::time_point deadline) override {
        using result = outcome<std::vector<model::test_failure>>;
        // Locals at function scope: the co_await sits in the loop (GCC 12, see STYLE/brief).
        std::vector<model::test_failure> all;
        std::string base = run_url(native_id, true);
        std::string url;
        outcome<http::client_response> r;
        outcome<std::optional<int>> next;
        int page = 1;
        for (int n = 0; n < max_failure_pages; ++n) {
            url = page_url(base, page);
            r = co_await fetch(url, deadline);
            if (!r.ok()) co_return result::failure(r.error);
            next = absorb_failures(*r.value, page, all);
            if (!next.ok()) co_return result::failure(next.error);
            if (!*next.value) break;
            page = **next.value;
        }
        co_return result::success(std::move(all));
    }

  private:
    static std::string page_url(const std::string& base, int page) {
        boost::urls::url u(base);
        u.params().append({"page", std::to_string(page)});
        u.params().append({"per_page", std::to_string(max_per_page)});
        return std::string(u.buffer());
    }

    // One page of failed executions appended to `all`; the next page, if any.
    static outcome<std::optional<int>> absorb_failures(const http::client_response& resp, int page,
                                                       std::vector<model::test_failure>& all) {
        using result = outcome<std::optional<int>>;
        auto doc = parse_json(resp.body);
        if (!doc) return result::failure(malformed("failed_executions is not JSON"));
        auto mapped = map_failures(*doc);
        if (!mapped.ok()) return result::failure(mapped.error);
        all.insert(all.end(), mapped.value->begin(), mapped.value->end());
        return next_page(resp.headers.get("Link"), page);
    }

    std::string run_url(const std::string& native_id, bool failed_executions) const {
        boost::urls::url u(runs_url(src_.base_url, org_, suite_));
        u.segments().push_back(native_id);
        if (failed_executions) u.segments().push_back("failed_executions");
        return std::string(u.buffer());
    }

    asio::awaitable<outcome<http::client_response>> fetch(std::string url,
                                                          clock::time_point deadline) {
        co_return co_await bearer_get(src_, deps_, std::move(url), deadline);
    }

    source_config src_;
    connector_deps deps_;
    std::string org_;
    std::string suite_;
};

}  // namespace

std::unique_ptr<connector> make_buildkite_connector(source_config source, connector_deps deps) {
    return std::make_unique<buildkite_connector>(std::move(source), std::move(deps));
}

}  // namespace runhub::connectors::buildkite
