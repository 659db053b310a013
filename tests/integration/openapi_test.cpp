// The contract in proto/ against the real server: `runhub serve --sandbox` answers, and each
// answer is validated against its JSON Schema of proto/schemas/ by python3-jsonschema
// (tests/schema/validate.py), never by hand. GET /openapi.json must be the bundle of
// proto/openapi.yaml, served without a key.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "common/sandboxed_facade.hpp"

using namespace runhub;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view api_key = "test-openapi-key";

// The source tree (given by CMake: __FILE__ may be relative under ccache's base_dir).
fs::path source_root() { return fs::path(RUNHUB_SOURCE_DIR); }

// Debian's interpreter, whose python3-jsonschema deploy/install-deps.sh installs.
std::string python() { return fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; }

struct temp_dir {
    fs::path path;
    temp_dir() {
        std::string templ = (fs::temp_directory_path() / "runhub-openapi-XXXXXX").string();
        if (mkdtemp(templ.data())) path = templ;
    }
    ~temp_dir() {
        std::error_code ec;
        if (!path.empty()) fs::remove_all(path, ec);
    }
};

// serve --sandbox with the test's key.
struct facade : test::sandboxed_facade {
    explicit facade(std::vector<std::string> args = {}, std::vector<std::string> env = {})
        : test::sandboxed_facade(
              std::string(::api_key), args, std::move(env),
              args.empty() ? std::string("{") + test::no_cache_settings + "}" : "") {}
};

// Answers collected per schema, then validated in one validator run per schema.
class answers {
  public:
    explicit answers(test::http_client& c) : c_(c) {}

    // GET with the API key; expects `status` and files the body under `schema`.
    boost::json::value get(const std::string& target, int status, const std::string& schema,
                           bool with_key = true) {
        std::vector<std::pair<std::string, std::string>> headers;
        if (with_key) headers.emplace_back("Authorization", "Bearer " + std::string(api_key));
        return add("GET " + target, c_.request("GET", target, headers, "", 30s), status, schema);
    }

    boost::json::value add(const std::string& what, const test::http_reply& r, int status,
                           const std::string& schema) {
        EXPECT_EQ(r.status, status) << what << ": " << r.body;
        EXPECT_EQ(r.header("content-type").rfind("application/json", 0), 0u) << what;
        by_schema_[schema].push_back({what, r.body});
        boost::system::error_code ec;
        auto v = boost::json::parse(r.body, ec);
        EXPECT_FALSE(ec) << what << " is not JSON: " << r.body;
        return v;
    }

    // Writes every answer to a file and runs tests/schema/validate.py on each schema's files.
    void validate() {
        temp_dir dir;
        ASSERT_FALSE(dir.path.empty());
        int n = 0;
        for (const auto& [schema, list] : by_schema_) {
            std::vector<std::string> argv{
                python(), (source_root() / "tests/schema/validate.py").string(), "response",
                (source_root() / "proto/schemas" / schema).string()};
            std::string index;
            for (const auto& [what, body] : list) {
                auto file = dir.path / ("answer-" + std::to_string(++n) + ".json");
                std::ofstream(file) << body;
                argv.push_back(file.string());
                index += "  " + file.filename().string() + ": " + what + "\n";
            }
            auto [code, output] = test::run_process(argv, 60s);
            EXPECT_EQ(code, 0) << "answers invalid against proto/schemas/" << schema << ":\n"
                               << output << "the answers:\n"
                               << index;
        }
    }

  private:
    test::http_client& c_;
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_schema_;
};

}  // namespace

TEST(OpenApi, DocumentIsServedWithoutAKeyAndIsTheBundleOfTheYaml) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    auto r = c.request("GET", "/openapi.json", {}, "", 30s);  // no Authorization header
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type").rfind("application/json", 0), 0u);
    boost::system::error_code ec;
    auto doc = boost::json::parse(r.body, ec);
    ASSERT_FALSE(ec) << r.body;
    EXPECT_EQ(doc.at("openapi"), "3.1.0");
    for (auto path : {"/v1/runs", "/v1/runs/{id}", "/v1/runs/{id}/events", "/v1/runs/{id}/failures",
                      "/v1/runs/{id}/cancel", "/v1/sources", "/v1/webhooks/{source}", "/healthz",
                      "/readyz", "/metrics", "/openapi.json"})
        EXPECT_TRUE(doc.at("paths").as_object().contains(path)) << path;
    // Self-contained: every $ref points into the document itself.
    EXPECT_EQ(r.body.find(R"("$ref":"schemas/)"), std::string::npos);

    temp_dir dir;
    ASSERT_FALSE(dir.path.empty());
    auto served = dir.path / "openapi.json";
    std::ofstream(served) << r.body;
    auto [code, output] = test::run_process(
        {python(), (source_root() / "tests/schema/validate.py").string(), "document",
         served.string(), (source_root() / "proto/openapi.yaml").string()},
        60s);
    EXPECT_EQ(code, 0) << output;
    if (code == 0) std::cout << output;  // says whether the OpenAPI 3.1 meta-schema ran
}

TEST(OpenApi, RealAnswersMatchTheSchemas) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    answers a(c);

    // List pages: the first, the next one through its cursor, a filtered one.
    auto page = a.get("/v1/runs?limit=50", 200, "run_list.json");
    ASSERT_TRUE(page.at("next_cursor").is_string());
    a.get("/v1/runs?limit=50&cursor=" + std::string(page.at("next_cursor").as_string()), 200,
          "run_list.json");
    a.get("/v1/runs?limit=10&status=failed,passed&source=zof,testmo&since=2000-01-01T00:00:00Z",
          200, "run_list.json");

    // One run of each source: plain, with its vendor object, its failures.
    auto sources = a.get("/v1/sources", 200, "sources.json");
    std::map<std::string, std::string> one_per_source;
    for (const auto& s : sources.at("data").as_array()) {
        std::string name(s.at("name").as_string());
        auto list = a.get("/v1/runs?limit=2&source=" + name, 200, "run_list.json");
        if (!list.at("data").as_array().empty())
            one_per_source[name] = list.at("data").as_array().at(0).at("id").as_string();
    }
    EXPECT_EQ(one_per_source.size(), 5u);
    for (const auto& [source, id] : one_per_source) {
        auto run = a.get("/v1/runs/" + id, 200, "run.json");
        EXPECT_FALSE(run.as_object().contains("raw")) << id;
        auto raw = a.get("/v1/runs/" + id + "?include=raw", 200, "run.json");
        EXPECT_TRUE(raw.as_object().contains("raw")) << id;
        auto target = "/v1/runs/" + id + "/failures";
        auto r = c.request("GET", target, {{"Authorization", "Bearer " + std::string(api_key)}}, "",
                           30s);
        if (r.status == 501)
            a.add("GET " + target, r, 501, "error.json");  // a vendor that cannot list failures
        else
            a.add("GET " + target, r, 200, "failures.json");
    }
    // Error answers: bad parameters and cursors, unknown runs and paths, a wrong method.
    a.get("/v1/runs?limit=0", 400, "error.json");
    a.get("/v1/runs?status=green", 400, "error.json");
    a.get("/v1/runs?since=yesterday", 400, "error.json");
    a.get("/v1/runs?cursor=AAAA", 400, "error.json");
    a.get("/v1/runs/zof:run_does_not_exist", 404, "error.json");
    a.get("/v1/runs/nosuchsource:1", 404, "error.json");
    a.get("/v1/runs/nosuchsource:1/failures", 404, "error.json");
    a.get("/v1/nothing-here", 404, "error.json");
    a.add("DELETE /v1/runs",
          c.request("DELETE", "/v1/runs", {{"Authorization", "Bearer " + std::string(api_key)}}, "",
                    30s),
          405, "error.json");

    // A failing source: the page is partial with the source marked; strict and single-run
    // answers are 502; /v1/sources shows the failure.
    test::set_faults(f, "zof", R"({"error_rate":1})");  // zof answers 500 from now on
    auto partial = a.get("/v1/runs?limit=20", 200, "run_list.json");
    bool marked = false;
    for (const auto& s : partial.at("sources").as_array())
        if (s.at("name") == "zof")
            marked = s.at("status") == "error" && s.as_object().contains("error");
    EXPECT_TRUE(marked) << boost::json::serialize(partial);
    a.get("/v1/runs?limit=20&consistency=strict", 502, "error.json");
    a.get("/v1/runs?limit=20&source=zof", 502, "error.json");
    a.get("/v1/runs/zof:run_x", 502, "error.json");
    a.get("/v1/sources", 200, "sources.json");

    a.validate();
}

TEST(OpenApi, MissingWrongOrUnscopedKeyAnswersMatchTheErrorSchema) {
    temp_dir dir;
    ASSERT_FALSE(dir.path.empty());
    auto config = dir.path / "runhub.json";
    std::ofstream(config)
        << R"({"api_keys": [{"name": "writer", "key": {"env": "T_OPENAPI_WRITE_KEY"},
                                               "scopes": ["runs:write"]}]})";
    const std::string write_key = "openapi-write-only-key";
    facade f({"--config", config.string()}, {"T_OPENAPI_WRITE_KEY=" + write_key});
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    answers a(c);
    for (std::string target : {"/v1/runs?limit=5", "/v1/sources", "/v1/runs/zof:1"}) {
        auto none = c.request("GET", target, {}, "", 30s);
        EXPECT_EQ(none.header("www-authenticate").rfind("Bearer", 0), 0u) << target;
        auto e = a.add("GET " + target + " without a key", none, 401, "error.json");
        if (e.is_object() && e.as_object().contains("error")) {
            EXPECT_EQ(e.at("error").at("code"), "unauthorized") << target;
        }
        auto wrong = c.request("GET", target, {{"Authorization", "Bearer not-the-key"}}, "", 30s);
        EXPECT_EQ(wrong.header("www-authenticate").rfind("Bearer", 0), 0u) << target;
        a.add("GET " + target + " with a wrong key", wrong, 401, "error.json");
        auto unscoped =
            c.request("GET", target, {{"Authorization", "Bearer " + write_key}}, "", 30s);
        e = a.add("GET " + target + " with a runs:write key", unscoped, 403, "error.json");
        if (e.is_object() && e.as_object().contains("error")) {
            EXPECT_EQ(e.at("error").at("code"), "forbidden") << target;
        }
    }
    a.validate();
}
