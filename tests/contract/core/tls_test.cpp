// --tls: the generated CA and certificate verify for real; without the CA, or for another
// name, verification fails.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "fake_emulator.hpp"
#include "https_get.hpp"
#include "sandbox/core/tls_material.hpp"
#include "sandbox_fixture.hpp"

namespace runhub::test {
namespace {

std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() /
            ("runhub-" + std::to_string(::getpid()) + "-" + name))
        .string();
}

struct tls_env {
    tls_env() : material(sandbox::generate_tls_material()), ca_file(temp_path("ca.pem")) {
        sandbox::write_text_file(ca_file, material.ca_cert_pem);
        sandbox_fixture_options o;
        o.server.tls = sandbox::make_server_tls_context(material);
        fx = std::make_unique<sandbox_fixture>(make_fake_emulator, o);
    }
    ~tls_env() { std::filesystem::remove(ca_file); }
    sandbox::tls_material material;
    std::string ca_file;
    std::unique_ptr<sandbox_fixture> fx;
};

TEST(TlsMaterial, PemShapes) {
    auto m = sandbox::generate_tls_material();
    EXPECT_EQ(m.ca_cert_pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
    EXPECT_EQ(m.server_cert_pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
    EXPECT_EQ(m.server_key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
    EXPECT_NE(m.ca_cert_pem, sandbox::generate_tls_material().ca_cert_pem);  // fresh each start
}

TEST(TlsMaterial, ClientWithTheCaVerifiesIpAndLocalhost) {
    tls_env env;
    EXPECT_EQ(env.fx->base_url().rfind("https://127.0.0.1:", 0), 0u);
    for (const char* name : {"127.0.0.1", "localhost"}) {
        auto r = https_get({env.fx->port(), "/_sandbox/info", env.ca_file, name});
        ASSERT_EQ(r.status, 200) << name;
        auto info = parse_json(r.body);
        EXPECT_EQ(info.at("base_url").as_string(), env.fx->base_url());
    }
}

// The head and a body far larger than one TLS record (16 KiB) and a socket buffer all arrive.
TEST(TlsMaterial, LargeBodiesArriveWhole) {
    tls_env env;
    for (std::size_t n : {100u, 16'000u, 16'384u, 40'000u, 300'000u}) {
        auto r = https_get({env.fx->port(), "/fake/big/" + std::to_string(n), env.ca_file});
        ASSERT_EQ(r.status, 200) << n;
        ASSERT_EQ(r.body.size(), n);
        EXPECT_EQ(r.body.front(), '"');
        EXPECT_EQ(r.body.back(), '"');
        EXPECT_EQ(r.body.find_first_not_of('x', 1), n - 1);
    }
}

TEST(TlsMaterial, ClientWithoutTheCaFailsVerification) {
    tls_env env;
    try {
        https_get({env.fx->port(), "/_sandbox/info", "", "127.0.0.1"});
        FAIL() << "verified without the CA";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("handshake"), std::string::npos) << e.what();
    }
}

TEST(TlsMaterial, OtherNameFailsVerification) {
    tls_env env;
    EXPECT_THROW(https_get({env.fx->port(), "/_sandbox/info", env.ca_file, "example.com"}),
                 std::runtime_error);
}

TEST(TlsMaterial, AnotherCaDoesNotVerify) {
    tls_env env;
    auto other = temp_path("other-ca.pem");
    sandbox::write_text_file(other, sandbox::generate_tls_material().ca_cert_pem);
    EXPECT_THROW(https_get({env.fx->port(), "/_sandbox/info", other, "127.0.0.1"}),
                 std::runtime_error);
    std::filesystem::remove(other);
}

}  // namespace
}  // namespace runhub::test
